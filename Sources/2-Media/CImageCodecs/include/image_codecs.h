#ifndef EXPOSURE_IMAGE_CODECS_H
#define EXPOSURE_IMAGE_CODECS_H
// CImageCodecs: the only code that calls libjpeg-turbo and libpng.
//
// Why a C shim: both libraries report fatal errors by longjmp (or, with their default
// handlers, by exit()/abort()). Swift cannot call setjmp, and a longjmp across Swift
// frames skips releases. So every library call, the setjmp and the error callbacks
// live in the functions below, which return an expo_status and a message instead.
//
// Limits every decoder here enforces (reliability.md §2):
//  - the pixel cap (max_pixels, counted on the size the header declares, before any
//    pixel buffer is allocated; a 60000x60000 JPEG header is refused in microseconds);
//  - JPEG: at most EXPO_JPEG_MAX_SCANS scans (progressive-scan DoS) and at most
//    EXPO_JPEG_MAX_WARNINGS corrupt-data warnings; "Premature end of JPEG file" (a
//    truncated file) is an error, EXPO_TRUNCATED, not a grey-filled partial picture;
//  - PNG: libpng's chunk limits (1000 cached ancillary chunks, 8 MB per chunk).
//
// Output is always 8-bit RGB, rows packed (stride = 3 * width). Grayscale, palette,
// 16-bit, low bit depth and Adam7-interlaced PNGs are expanded; alpha is DROPPED (the
// colour under a transparent pixel is kept as stored, not composited). CMYK and YCCK
// JPEGs are converted in the shim (Adobe-inverted CMYK when an Adobe marker is present).
// EXIF orientation is NOT applied here: the Swift layer does that.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    EXPO_OK = 0,
    EXPO_CORRUPT = 1,       // the library refused the data (message says why)
    EXPO_TOO_LARGE = 2,     // declared width*height exceeds the caller's cap
    EXPO_TRUNCATED = 3,     // data ends before the picture does
    EXPO_UNSUPPORTED = 4,   // valid but not decodable here (12-bit JPEG, arithmetic, ...)
    EXPO_NO_MEMORY = 5,
    EXPO_TOO_MANY_SCANS = 6,
    EXPO_BAD_ARGUMENT = 7,
} expo_status;

enum { EXPO_MESSAGE_CAPACITY = 200, EXPO_JPEG_MAX_SCANS = 200, EXPO_JPEG_MAX_WARNINGS = 100 };

typedef struct {
    int width, height;                // of `pixels` (after DCT scaling)
    int source_width, source_height;  // as the header declares
    int source_components;            // 1 gray, 3 colour, 4 CMYK/YCCK (JPEG); PNG: channels
    unsigned char *pixels;            // malloc'd RGB; release with expo_free
    char message[EXPO_MESSAGE_CAPACITY];
} expo_image;

// Header only: size and components; no pixel allocation. Returns EXPO_OK or an error.
expo_status expo_jpeg_info(const unsigned char *data, size_t size, expo_image *out);
expo_status expo_png_info(const unsigned char *data, size_t size, expo_image *out);

// Full decode. scale_denom: 1, 2, 4 or 8 (libjpeg-turbo DCT scaling; output size is
// ceil(source / scale_denom)). max_pixels applies to the declared (source) size.
expo_status expo_jpeg_decode(const unsigned char *data, size_t size, int64_t max_pixels,
                             int scale_denom, expo_image *out);
expo_status expo_png_decode(const unsigned char *data, size_t size, int64_t max_pixels, expo_image *out);

// Encoders (for tests and the demo generator).
// JPEG: components 1 (gray), 3 (RGB) or 4 (CMYK, written with an Adobe marker, samples
// stored as given, i.e. the caller supplies Adobe-inverted values). exif is the APP1
// payload starting with "Exif\0\0"; xmp is the whole APP1 payload starting with the
// XMP namespace and NUL. Either may be NULL. Each must be <= 65533 bytes.
typedef struct {
    int quality;          // 1..100
    int progressive;      // 0/1
    int components;       // 1, 3, 4
    int write_jfif;       // 0/1: JFIF APP0 (cameras write EXIF APP1 first instead)
    int many_scans;       // tests only, gray only: a valid progressive script of 695 scans
                          // (every AC coefficient its own band, refined bit by bit)
} expo_jpeg_options;

expo_status expo_jpeg_encode(const unsigned char *samples, int width, int height, expo_jpeg_options options,
                             const unsigned char *exif, size_t exif_size,
                             const unsigned char *xmp, size_t xmp_size,
                             unsigned char **out, size_t *out_size, char *message);

// PNG: color_type is a PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA);
// bit_depth 1/2/4 (gray, palette: one sample per byte, packed by libpng), 8 or 16 (16-bit
// samples big-endian). palette: RGB triples; trns: palette alpha values. exif: raw TIFF
// bytes for an eXIf chunk (no "Exif\0\0"). xmp: NUL-terminated packet for iTXt
// "XML:com.adobe.xmp". Any pointer may be NULL.
typedef struct {
    int color_type, bit_depth, interlaced;
    const unsigned char *palette; int palette_count;
    const unsigned char *trns; int trns_count;
} expo_png_options;

expo_status expo_png_encode(const unsigned char *samples, int width, int height, expo_png_options options,
                            const unsigned char *exif, size_t exif_size, const char *xmp,
                            unsigned char **out, size_t *out_size, char *message);

// WebP (libwebp; still images only: an animated WebP is EXPO_UNSUPPORTED) and HEIF/HEIC/AVIF
// (libheif, which applies the container's irot/imir transformations itself, so the result
// is already upright and EXIF orientation must NOT be applied again). Neither library
// longjmps; the shim only adds the pixel cap and the common output format.
expo_status expo_webp_decode(const unsigned char *data, size_t size, int64_t max_pixels, expo_image *out);
expo_status expo_heif_decode(const unsigned char *data, size_t size, int64_t max_pixels, expo_image *out);

// HEIF metadata without decoding: primary image size (after transformations) and copies
// of its first EXIF block (TIFF bytes, the 4-byte offset prefix removed) and XMP packet.
typedef struct {
    int width, height;
    unsigned char *exif; size_t exif_size;   // malloc'd or NULL; release with expo_free
    unsigned char *xmp; size_t xmp_size;
    char message[EXPO_MESSAGE_CAPACITY];
} expo_heif_info;
expo_status expo_heif_read_info(const unsigned char *data, size_t size, expo_heif_info *out);

// Test support: lossless WebP of 8-bit RGB.
expo_status expo_webp_encode_lossless(const unsigned char *rgb, int width, int height,
                                      unsigned char **out, size_t *out_size);

// Test support: encode 8-bit RGB as HEIF with the first available encoder (HEVC via x265,
// else AVIF via aom), with an optional EXIF block (raw TIFF). EXPO_UNSUPPORTED when this libheif
// has no encoder.
expo_status expo_heif_encode(const unsigned char *rgb, int width, int height, int quality,
                             const unsigned char *exif, size_t exif_size,
                             unsigned char **out, size_t *out_size, char *message);

void expo_free(void *pointer);

#ifdef __cplusplus
}
#endif
#endif
