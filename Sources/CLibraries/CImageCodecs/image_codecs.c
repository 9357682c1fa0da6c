// CImageCodecs: JPEG (libjpeg-turbo) and PNG (libpng) decoding and encoding behind
// functions that never exit(), abort() or longjmp into the caller. See image_codecs.h
// for the limits and the output format.
//
// setjmp discipline: anything allocated after setjmp lives in a context struct (not in
// a local that the longjmp could leave stale), and is released on both paths.
#include "image_codecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

static void set_message(char *message, const char *text) {
    if (!message) return;
    snprintf(message, EXPO_MESSAGE_CAPACITY, "%s", text);
}

static void clear_image(expo_image *out) {
    memset(out, 0, sizeof *out);
}

void expo_free(void *pointer) { free(pointer); }

// MARK: - JPEG decoding

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    expo_status status;        // set before longjmp
    int warnings;
    char message[EXPO_MESSAGE_CAPACITY];
} jpeg_error_context;

typedef struct {
    struct jpeg_decompress_struct info;
    jpeg_error_context error;
    struct jpeg_progress_mgr progress;
    unsigned char *pixels;     // output RGB
    unsigned char *row;        // scratch row for CMYK
} jpeg_decode_context;

static void jpeg_fail(j_common_ptr cinfo) {
    jpeg_error_context *error = (jpeg_error_context *)cinfo->err;
    if (error->status == EXPO_OK) {
        int code = error->base.msg_code;
        if (code == JERR_BAD_PRECISION || code == JERR_NOT_COMPILED || code == JERR_ARITH_NOTIMPL ||
            code == JERR_CONVERSION_NOTIMPL)
            error->status = EXPO_UNSUPPORTED;
        else if (code == JERR_OUT_OF_MEMORY || code == JERR_VIRTUAL_BUG)
            error->status = EXPO_NO_MEMORY;
        else if (code == JERR_INPUT_EMPTY || code == JERR_INPUT_EOF)
            error->status = EXPO_TRUNCATED;
        else
            error->status = EXPO_CORRUPT;
        (*cinfo->err->format_message)(cinfo, error->message);
    }
    longjmp(error->jump, 1);
}

// Warnings (msg_level -1) are non-fatal in libjpeg. A truncated file only warns
// ("Premature end of JPEG file") and then fills the rest with grey; we refuse that
// (EXPO_TRUNCATED) so a half-grey picture never reaches the face detector. Other
// corrupt-data warnings are tolerated (many cameras write a few extraneous bytes),
// up to EXPO_JPEG_MAX_WARNINGS, after which the file is treated as corrupt.
static void jpeg_message(j_common_ptr cinfo, int level) {
    jpeg_error_context *error = (jpeg_error_context *)cinfo->err;
    if (level >= 0) return;  // trace messages
    int code = error->base.msg_code;
    if (code == JWRN_JPEG_EOF) {
        error->status = EXPO_TRUNCATED;
        set_message(error->message, "truncated JPEG (premature end of data)");
        longjmp(error->jump, 1);
    }
    if (++error->warnings > EXPO_JPEG_MAX_WARNINGS) {
        error->status = EXPO_CORRUPT;
        char last[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, last);
        snprintf(error->message, EXPO_MESSAGE_CAPACITY, "too many corrupt-data warnings (last: %s)", last);
        longjmp(error->jump, 1);
    }
}

static void jpeg_check_scans(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (d->input_scan_number > EXPO_JPEG_MAX_SCANS) {
        jpeg_error_context *error = (jpeg_error_context *)cinfo->err;
        error->status = EXPO_TOO_MANY_SCANS;
        snprintf(error->message, EXPO_MESSAGE_CAPACITY, "too many scans (more than %d)", EXPO_JPEG_MAX_SCANS);
        longjmp(error->jump, 1);
    }
}

static void jpeg_setup(jpeg_decode_context *ctx, const unsigned char *data, size_t size) {
    ctx->info.err = jpeg_std_error(&ctx->error.base);
    ctx->error.base.error_exit = jpeg_fail;
    ctx->error.base.emit_message = jpeg_message;
    ctx->error.status = EXPO_OK;
}

// Runs after setjmp: create, attach the memory source, read the header.
static void jpeg_begin(jpeg_decode_context *ctx, const unsigned char *data, size_t size) {
    jpeg_create_decompress(&ctx->info);
    // Whole-image coefficient buffers (progressive files) are "virtual arrays": cap them.
    ctx->info.mem->max_memory_to_use = 1536L * 1024 * 1024;
    ctx->progress.progress_monitor = jpeg_check_scans;
    ctx->info.progress = &ctx->progress;
    jpeg_mem_src(&ctx->info, data, (unsigned long)size);
    jpeg_read_header(&ctx->info, TRUE);
}

static void jpeg_fill_info(jpeg_decode_context *ctx, expo_image *out) {
    out->source_width = (int)ctx->info.image_width;
    out->source_height = (int)ctx->info.image_height;
    out->source_components = ctx->info.num_components;
}

expo_status expo_jpeg_info(const unsigned char *data, size_t size, expo_image *out) {
    clear_image(out);
    if (!data || size < 4) { set_message(out->message, "not a JPEG (too short)"); return EXPO_CORRUPT; }
    jpeg_decode_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return EXPO_NO_MEMORY;
    jpeg_setup(ctx, data, size);
    expo_status status = EXPO_OK;
    if (setjmp(ctx->error.jump)) {
        status = ctx->error.status == EXPO_OK ? EXPO_CORRUPT : ctx->error.status;
        set_message(out->message, ctx->error.message);
    } else {
        jpeg_begin(ctx, data, size);
        jpeg_fill_info(ctx, out);
        out->width = out->source_width;
        out->height = out->source_height;
    }
    jpeg_destroy_decompress(&ctx->info);
    free(ctx);
    return status;
}

static inline unsigned char clamp_byte(int v) { return (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v); }

expo_status expo_jpeg_decode(const unsigned char *data, size_t size, int64_t max_pixels,
                             int scale_denom, expo_image *out) {
    clear_image(out);
    if (scale_denom != 1 && scale_denom != 2 && scale_denom != 4 && scale_denom != 8) {
        set_message(out->message, "scale denominator must be 1, 2, 4 or 8");
        return EXPO_BAD_ARGUMENT;
    }
    if (!data || size < 4) { set_message(out->message, "not a JPEG (too short)"); return EXPO_CORRUPT; }
    jpeg_decode_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return EXPO_NO_MEMORY;
    jpeg_setup(ctx, data, size);
    expo_status status = EXPO_OK;
    if (setjmp(ctx->error.jump)) {
        status = ctx->error.status == EXPO_OK ? EXPO_CORRUPT : ctx->error.status;
        set_message(out->message, ctx->error.message);
        free(ctx->pixels);
        ctx->pixels = NULL;
    } else {
        jpeg_begin(ctx, data, size);
        jpeg_fill_info(ctx, out);
        int64_t declared = (int64_t)ctx->info.image_width * (int64_t)ctx->info.image_height;
        if (declared <= 0 || declared > max_pixels) {
            snprintf(out->message, EXPO_MESSAGE_CAPACITY, "image too large (%ux%u > %lld pixels)",
                     ctx->info.image_width, ctx->info.image_height, (long long)max_pixels);
            status = EXPO_TOO_LARGE;
            goto done;
        }
        int cmyk = ctx->info.jpeg_color_space == JCS_CMYK || ctx->info.jpeg_color_space == JCS_YCCK;
        // Adobe's applications write CMYK inverted (0 = full ink); an Adobe APP14 marker says so.
        int inverted = cmyk && ctx->info.saw_Adobe_marker;
        ctx->info.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
        ctx->info.scale_num = 1;
        ctx->info.scale_denom = (unsigned int)scale_denom;
        ctx->info.dct_method = JDCT_ISLOW;
        jpeg_calc_output_dimensions(&ctx->info);
        size_t width = ctx->info.output_width, height = ctx->info.output_height;
        size_t stride = width * 3;
        ctx->pixels = malloc(stride * height);
        if (cmyk) ctx->row = malloc(width * 4);
        if (!ctx->pixels || (cmyk && !ctx->row)) {
            set_message(out->message, "out of memory");
            status = EXPO_NO_MEMORY;
            goto done;
        }
        jpeg_start_decompress(&ctx->info);
        while (ctx->info.output_scanline < ctx->info.output_height) {
            size_t y = ctx->info.output_scanline;
            if (!cmyk) {
                JSAMPROW row = ctx->pixels + y * stride;
                jpeg_read_scanlines(&ctx->info, &row, 1);
            } else {
                JSAMPROW row = ctx->row;
                jpeg_read_scanlines(&ctx->info, &row, 1);
                unsigned char *dst = ctx->pixels + y * stride;
                for (size_t x = 0; x < width; x++) {
                    int c = ctx->row[4 * x], m = ctx->row[4 * x + 1], yy = ctx->row[4 * x + 2], k = ctx->row[4 * x + 3];
                    if (!inverted) { c = 255 - c; m = 255 - m; yy = 255 - yy; k = 255 - k; }
                    // Stored (inverted) value v means ink 255 - v; light = v * k / 255.
                    dst[3 * x] = clamp_byte((c * k + 127) / 255);
                    dst[3 * x + 1] = clamp_byte((m * k + 127) / 255);
                    dst[3 * x + 2] = clamp_byte((yy * k + 127) / 255);
                }
            }
        }
        jpeg_finish_decompress(&ctx->info);
        out->width = (int)width;
        out->height = (int)height;
        out->pixels = ctx->pixels;
        ctx->pixels = NULL;
    }
done:
    jpeg_destroy_decompress(&ctx->info);
    free(ctx->pixels);
    free(ctx->row);
    free(ctx);
    return status;
}

// MARK: - PNG decoding

typedef struct {
    const unsigned char *data;
    size_t size, position;
    jmp_buf jump;
    expo_status status;
    char message[EXPO_MESSAGE_CAPACITY];
    png_structp png;
    png_infop info;
    unsigned char *pixels;
    png_bytep *rows;
} png_decode_context;

static void png_fail(png_structp png, png_const_charp text) {
    png_decode_context *ctx = png_get_error_ptr(png);
    if (ctx->status == EXPO_OK) {
        ctx->status = EXPO_CORRUPT;
        set_message(ctx->message, text);
    }
    png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp text) { (void)png; (void)text; }

static void png_read_memory(png_structp png, png_bytep dest, size_t length) {
    png_decode_context *ctx = png_get_io_ptr(png);
    if (length > ctx->size - ctx->position) {
        ctx->status = EXPO_TRUNCATED;
        set_message(ctx->message, "truncated PNG (premature end of data)");
        png_longjmp(png, 1);
    }
    memcpy(dest, ctx->data + ctx->position, length);
    ctx->position += length;
}

static expo_status png_begin(png_decode_context *ctx, const unsigned char *data, size_t size, char *message) {
    if (!data || size < 8 || png_sig_cmp(data, 0, 8)) { set_message(message, "not a PNG (bad signature)"); return EXPO_CORRUPT; }
    /* Found by fuzzing (FuzzMedia; test: MediaMetadataTests/FuzzMediaRegressionTests): libpng
     * allocates (and clears) a buffer of the size an ancillary chunk declares before reading it,
     * so a 151-byte PNG whose iTXt chunk claims 905 MB cost 905 MB and seconds per file (up to
     * 2 GiB; Debian's libpng 1.6.39 applies no chunk cap, png_set_chunk_malloc_max did not help).
     * The whole file is in memory: a non-IDAT chunk longer than the bytes left is corrupt, so it
     * is refused here before libpng sees it. (IDAT is streamed, and a cut-off IDAT still decodes
     * partly as before.) */
    for (size_t pos = 8; pos + 8 <= size;) {
        size_t length = ((size_t)data[pos] << 24) | ((size_t)data[pos + 1] << 16) | ((size_t)data[pos + 2] << 8) | data[pos + 3];
        int is_idat = memcmp(data + pos + 4, "IDAT", 4) == 0, is_iend = memcmp(data + pos + 4, "IEND", 4) == 0;
        if (!is_idat && length > size - pos - 8) {
            if (message) snprintf(message, EXPO_MESSAGE_CAPACITY, "corrupt PNG: a chunk declares %zu bytes, only %zu left in the file",
                                  length, size - pos - 8);
            return EXPO_CORRUPT;
        }
        if (is_iend || length > size) break;
        pos += length + 12;
    }
    ctx->data = data; ctx->size = size; ctx->position = 0;
    ctx->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, ctx, png_fail, png_warn);
    if (!ctx->png) { set_message(message, "out of memory"); return EXPO_NO_MEMORY; }
    ctx->info = png_create_info_struct(ctx->png);
    if (!ctx->info) { set_message(message, "out of memory"); return EXPO_NO_MEMORY; }
    png_set_read_fn(ctx->png, ctx, png_read_memory);
    return EXPO_OK;
}

static void png_end(png_decode_context *ctx) {
    if (ctx->png) png_destroy_read_struct(&ctx->png, ctx->info ? &ctx->info : NULL, NULL);
    free(ctx->pixels);
    free(ctx->rows);
    free(ctx);
}

expo_status expo_png_info(const unsigned char *data, size_t size, expo_image *out) {
    clear_image(out);
    png_decode_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return EXPO_NO_MEMORY;
    expo_status status = png_begin(ctx, data, size, out->message);
    if (status != EXPO_OK) { png_end(ctx); return status; }
    if (setjmp(png_jmpbuf(ctx->png))) {
        status = ctx->status == EXPO_OK ? EXPO_CORRUPT : ctx->status;
        set_message(out->message, ctx->message);
    } else {
        png_read_info(ctx->png, ctx->info);
        out->width = out->source_width = (int)png_get_image_width(ctx->png, ctx->info);
        out->height = out->source_height = (int)png_get_image_height(ctx->png, ctx->info);
        out->source_components = png_get_channels(ctx->png, ctx->info);
    }
    png_end(ctx);
    return status;
}

expo_status expo_png_decode(const unsigned char *data, size_t size, int64_t max_pixels, expo_image *out) {
    clear_image(out);
    png_decode_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return EXPO_NO_MEMORY;
    expo_status status = png_begin(ctx, data, size, out->message);
    if (status != EXPO_OK) { png_end(ctx); return status; }
    if (setjmp(png_jmpbuf(ctx->png))) {
        status = ctx->status == EXPO_OK ? EXPO_CORRUPT : ctx->status;
        set_message(out->message, ctx->message);
    } else {
        png_read_info(ctx->png, ctx->info);
        png_uint_32 width = png_get_image_width(ctx->png, ctx->info);
        png_uint_32 height = png_get_image_height(ctx->png, ctx->info);
        out->source_width = (int)width;
        out->source_height = (int)height;
        out->source_components = png_get_channels(ctx->png, ctx->info);
        int64_t declared = (int64_t)width * (int64_t)height;
        if (declared <= 0 || declared > max_pixels) {
            snprintf(out->message, EXPO_MESSAGE_CAPACITY, "image too large (%ux%u > %lld pixels)",
                     width, height, (long long)max_pixels);
            status = EXPO_TOO_LARGE;
        } else {
            // The OSS-Fuzz normalisation set: everything becomes 8-bit RGB(A).
            png_set_expand(ctx->png);          // palette -> RGB, gray < 8 bit -> 8 bit, tRNS -> alpha
            png_set_scale_16(ctx->png);
            png_set_gray_to_rgb(ctx->png);
            png_set_strip_alpha(ctx->png);
            png_set_interlace_handling(ctx->png);
            png_read_update_info(ctx->png, ctx->info);
            size_t stride = png_get_rowbytes(ctx->png, ctx->info);
            if (stride != (size_t)width * 3) {
                set_message(out->message, "unexpected PNG layout after normalisation");
                status = EXPO_UNSUPPORTED;
            } else {
                ctx->pixels = malloc(stride * height);
                ctx->rows = malloc(sizeof(png_bytep) * height);
                if (!ctx->pixels || !ctx->rows) {
                    set_message(out->message, "out of memory");
                    status = EXPO_NO_MEMORY;
                } else {
                    for (png_uint_32 y = 0; y < height; y++) ctx->rows[y] = ctx->pixels + (size_t)y * stride;
                    png_read_image(ctx->png, ctx->rows);
                    out->width = (int)width;
                    out->height = (int)height;
                    out->pixels = ctx->pixels;
                    ctx->pixels = NULL;
                }
            }
        }
    }
    png_end(ctx);
    return status;
}

// MARK: - JPEG encoding

typedef struct {
    struct jpeg_compress_struct info;
    jpeg_error_context error;
    unsigned char *buffer;
    unsigned long buffer_size;
    jpeg_scan_info *scans;
} jpeg_encode_context;

// 695 scans for one component: DC first (Al 1) and refinement; each AC coefficient k as its
// own band, first at Al 10, then refined one bit at a time down to Al 0. Legal per T.81 G.1.1.
static int many_scan_script(jpeg_scan_info *scans) {
    int n = 0;
    scans[n++] = (jpeg_scan_info){ 1, { 0 }, 0, 0, 0, 1 };
    for (int k = 1; k < 64; k++) {
        scans[n++] = (jpeg_scan_info){ 1, { 0 }, k, k, 0, 10 };
        for (int al = 9; al >= 0; al--) scans[n++] = (jpeg_scan_info){ 1, { 0 }, k, k, al + 1, al };
    }
    scans[n++] = (jpeg_scan_info){ 1, { 0 }, 0, 0, 1, 0 };
    return n;
}

expo_status expo_jpeg_encode(const unsigned char *samples, int width, int height, expo_jpeg_options options,
                             const unsigned char *exif, size_t exif_size,
                             const unsigned char *xmp, size_t xmp_size,
                             unsigned char **out, size_t *out_size, char *message) {
    *out = NULL; *out_size = 0;
    if (!samples || width <= 0 || height <= 0 || width > 65500 || height > 65500 ||
        (options.components != 1 && options.components != 3 && options.components != 4) ||
        exif_size > 65533 || xmp_size > 65533) {
        set_message(message, "bad JPEG encoder arguments");
        return EXPO_BAD_ARGUMENT;
    }
    jpeg_encode_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return EXPO_NO_MEMORY;
    ctx->info.err = jpeg_std_error(&ctx->error.base);
    ctx->error.base.error_exit = jpeg_fail;
    ctx->error.base.emit_message = jpeg_message;
    expo_status status = EXPO_OK;
    if (setjmp(ctx->error.jump)) {
        status = ctx->error.status == EXPO_OK ? EXPO_CORRUPT : ctx->error.status;
        set_message(message, ctx->error.message);
    } else {
        jpeg_create_compress(&ctx->info);
        jpeg_mem_dest(&ctx->info, &ctx->buffer, &ctx->buffer_size);
        ctx->info.image_width = (JDIMENSION)width;
        ctx->info.image_height = (JDIMENSION)height;
        ctx->info.input_components = options.components;
        ctx->info.in_color_space = options.components == 1 ? JCS_GRAYSCALE : options.components == 3 ? JCS_RGB : JCS_CMYK;
        jpeg_set_defaults(&ctx->info);
        ctx->info.write_JFIF_header = options.write_jfif ? TRUE : FALSE;
        jpeg_set_quality(&ctx->info, options.quality < 1 ? 1 : options.quality > 100 ? 100 : options.quality, TRUE);
        if (options.progressive) jpeg_simple_progression(&ctx->info);
        if (options.many_scans && options.components == 1) {
            ctx->scans = malloc(sizeof(jpeg_scan_info) * 700);
            if (!ctx->scans) ERREXIT(&ctx->info, JERR_OUT_OF_MEMORY);
            ctx->info.num_scans = many_scan_script(ctx->scans);
            ctx->info.scan_info = ctx->scans;
        }
        jpeg_start_compress(&ctx->info, TRUE);
        if (exif && exif_size) jpeg_write_marker(&ctx->info, JPEG_APP0 + 1, exif, (unsigned int)exif_size);
        if (xmp && xmp_size) jpeg_write_marker(&ctx->info, JPEG_APP0 + 1, xmp, (unsigned int)xmp_size);
        size_t stride = (size_t)width * (size_t)options.components;
        while (ctx->info.next_scanline < ctx->info.image_height) {
            JSAMPROW row = (JSAMPROW)(samples + (size_t)ctx->info.next_scanline * stride);
            jpeg_write_scanlines(&ctx->info, &row, 1);
        }
        jpeg_finish_compress(&ctx->info);
        *out = ctx->buffer;
        *out_size = ctx->buffer_size;
        ctx->buffer = NULL;
    }
    jpeg_destroy_compress(&ctx->info);
    free(ctx->buffer);
    free(ctx->scans);
    free(ctx);
    return status;
}

// MARK: - PNG encoding

typedef struct {
    unsigned char *buffer;
    size_t size, capacity;
    int failed;
    char message[EXPO_MESSAGE_CAPACITY];
    png_structp png;
    png_infop info;
    png_bytep *rows;
} png_encode_context;

static void png_write_memory(png_structp png, png_bytep data, size_t length) {
    png_encode_context *ctx = png_get_io_ptr(png);
    if (ctx->size + length > ctx->capacity) {
        size_t capacity = ctx->capacity ? ctx->capacity : 4096;
        while (capacity < ctx->size + length) capacity *= 2;
        unsigned char *grown = realloc(ctx->buffer, capacity);
        if (!grown) png_error(png, "out of memory");
        ctx->buffer = grown;
        ctx->capacity = capacity;
    }
    memcpy(ctx->buffer + ctx->size, data, length);
    ctx->size += length;
}

static void png_flush_memory(png_structp png) { (void)png; }

static void png_encode_fail(png_structp png, png_const_charp text) {
    png_encode_context *ctx = png_get_error_ptr(png);
    set_message(ctx->message, text);
    png_longjmp(png, 1);
}

expo_status expo_png_encode(const unsigned char *samples, int width, int height, expo_png_options options,
                            const unsigned char *exif, size_t exif_size, const char *xmp,
                            unsigned char **out, size_t *out_size, char *message) {
    *out = NULL; *out_size = 0;
    int channels;
    switch (options.color_type) {
    case PNG_COLOR_TYPE_GRAY: channels = 1; break;
    case PNG_COLOR_TYPE_RGB: channels = 3; break;
    case PNG_COLOR_TYPE_PALETTE: channels = 1; break;
    case PNG_COLOR_TYPE_GRAY_ALPHA: channels = 2; break;
    case PNG_COLOR_TYPE_RGB_ALPHA: channels = 4; break;
    default: set_message(message, "bad PNG colour type"); return EXPO_BAD_ARGUMENT;
    }
    if (!samples || width <= 0 || height <= 0) { set_message(message, "bad PNG encoder arguments"); return EXPO_BAD_ARGUMENT; }
    png_encode_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return EXPO_NO_MEMORY;
    expo_status status = EXPO_OK;
    ctx->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, ctx, png_encode_fail, png_warn);
    if (ctx->png) ctx->info = png_create_info_struct(ctx->png);
    if (!ctx->png || !ctx->info) {
        status = EXPO_NO_MEMORY;
    } else if (setjmp(png_jmpbuf(ctx->png))) {
        status = EXPO_CORRUPT;
        set_message(message, ctx->message);
    } else {
        png_set_write_fn(ctx->png, ctx, png_write_memory, png_flush_memory);
        png_set_IHDR(ctx->png, ctx->info, (png_uint_32)width, (png_uint_32)height, options.bit_depth,
                     options.color_type, options.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        if (options.color_type == PNG_COLOR_TYPE_PALETTE && options.palette) {
            png_color palette[256];
            int count = options.palette_count > 256 ? 256 : options.palette_count;
            for (int i = 0; i < count; i++) {
                palette[i].red = options.palette[3 * i];
                palette[i].green = options.palette[3 * i + 1];
                palette[i].blue = options.palette[3 * i + 2];
            }
            png_set_PLTE(ctx->png, ctx->info, palette, count);
        }
        if (options.trns && options.trns_count > 0)
            png_set_tRNS(ctx->png, ctx->info, options.trns, options.trns_count, NULL);
        if (exif && exif_size) png_set_eXIf_1(ctx->png, ctx->info, (png_uint_32)exif_size, (png_bytep)exif);
        if (xmp) {
            png_text text;
            memset(&text, 0, sizeof text);
            text.compression = PNG_ITXT_COMPRESSION_NONE;
            text.key = "XML:com.adobe.xmp";
            text.text = (char *)xmp;
            text.itxt_length = strlen(xmp);
            text.lang = "";
            text.lang_key = "";
            png_set_text(ctx->png, ctx->info, &text, 1);
        }
        png_write_info(ctx->png, ctx->info);
        if (options.bit_depth < 8) png_set_packing(ctx->png);
        size_t bytes_per_sample = options.bit_depth == 16 ? 2 : 1;
        size_t stride = (size_t)width * (size_t)channels * bytes_per_sample;
        ctx->rows = malloc(sizeof(png_bytep) * (size_t)height);
        if (!ctx->rows) png_error(ctx->png, "out of memory");
        for (int y = 0; y < height; y++) ctx->rows[y] = (png_bytep)(samples + (size_t)y * stride);
        png_write_image(ctx->png, ctx->rows);
        png_write_end(ctx->png, NULL);
        *out = ctx->buffer;
        *out_size = ctx->size;
        ctx->buffer = NULL;
    }
    if (ctx->png) png_destroy_write_struct(&ctx->png, ctx->info ? &ctx->info : NULL);
    free(ctx->buffer);
    free(ctx->rows);
    free(ctx);
    return status;
}

// MARK: - WebP

#include <webp/decode.h>

expo_status expo_webp_decode(const unsigned char *data, size_t size, int64_t max_pixels, expo_image *out) {
    clear_image(out);
    WebPBitstreamFeatures features;
    VP8StatusCode code = data ? WebPGetFeatures(data, size, &features) : VP8_STATUS_INVALID_PARAM;
    if (code != VP8_STATUS_OK) {
        set_message(out->message, code == VP8_STATUS_NOT_ENOUGH_DATA ? "truncated WebP header" : "not a valid WebP");
        return code == VP8_STATUS_NOT_ENOUGH_DATA ? EXPO_TRUNCATED : EXPO_CORRUPT;
    }
    out->source_width = features.width;
    out->source_height = features.height;
    out->source_components = features.has_alpha ? 4 : 3;
    int64_t declared = (int64_t)features.width * features.height;
    if (declared <= 0 || declared > max_pixels) {
        snprintf(out->message, EXPO_MESSAGE_CAPACITY, "image too large (%dx%d > %lld pixels)",
                 features.width, features.height, (long long)max_pixels);
        return EXPO_TOO_LARGE;
    }
    if (features.has_animation) { set_message(out->message, "animated WebP"); return EXPO_UNSUPPORTED; }
    size_t stride = (size_t)features.width * 3;
    unsigned char *pixels = malloc(stride * (size_t)features.height);
    if (!pixels) { set_message(out->message, "out of memory"); return EXPO_NO_MEMORY; }
    if (!WebPDecodeRGBInto(data, size, pixels, stride * (size_t)features.height, (int)stride)) {
        free(pixels);
        set_message(out->message, "WebP data could not be decoded (corrupt or truncated)");
        return EXPO_CORRUPT;
    }
    out->width = features.width;
    out->height = features.height;
    out->pixels = pixels;
    return EXPO_OK;
}

#include <webp/encode.h>

expo_status expo_webp_encode_lossless(const unsigned char *rgb, int width, int height,
                                      unsigned char **out, size_t *out_size) {
    *out = NULL;
    uint8_t *buffer = NULL;
    size_t size = WebPEncodeLosslessRGB(rgb, width, height, width * 3, &buffer);
    if (!size) return EXPO_BAD_ARGUMENT;
    *out = malloc(size);
    if (!*out) { WebPFree(buffer); return EXPO_NO_MEMORY; }
    memcpy(*out, buffer, size);
    *out_size = size;
    WebPFree(buffer);
    return EXPO_OK;
}

// MARK: - HEIF / HEIC / AVIF

#include <libheif/heif.h>

static expo_status heif_open(const unsigned char *data, size_t size, struct heif_context **context,
                             struct heif_image_handle **handle, char *message) {
    *context = NULL; *handle = NULL;
    if (!data || size < 12) { set_message(message, "not a HEIF file (too short)"); return EXPO_CORRUPT; }
    *context = heif_context_alloc();
    if (!*context) { set_message(message, "out of memory"); return EXPO_NO_MEMORY; }
    struct heif_error error = heif_context_read_from_memory_without_copy(*context, data, size, NULL);
    if (error.code == heif_error_Ok) error = heif_context_get_primary_image_handle(*context, handle);
    if (error.code != heif_error_Ok) {
        set_message(message, error.message);
        return error.code == heif_error_Unsupported_feature || error.code == heif_error_Unsupported_filetype
            ? EXPO_UNSUPPORTED : EXPO_CORRUPT;
    }
    return EXPO_OK;
}

static void heif_close(struct heif_context *context, struct heif_image_handle *handle) {
    if (handle) heif_image_handle_release(handle);
    if (context) heif_context_free(context);
}

expo_status expo_heif_read_info(const unsigned char *data, size_t size, expo_heif_info *out) {
    memset(out, 0, sizeof *out);
    struct heif_context *context; struct heif_image_handle *handle;
    expo_status status = heif_open(data, size, &context, &handle, out->message);
    if (status != EXPO_OK) { heif_close(context, handle); return status; }
    out->width = heif_image_handle_get_width(handle);
    out->height = heif_image_handle_get_height(handle);
    heif_item_id ids[16];
    int count = heif_image_handle_get_list_of_metadata_block_IDs(handle, NULL, ids, 16);
    for (int i = 0; i < count; i++) {
        const char *type = heif_image_handle_get_metadata_type(handle, ids[i]);
        const char *content = heif_image_handle_get_metadata_content_type(handle, ids[i]);
        size_t length = heif_image_handle_get_metadata_size(handle, ids[i]);
        if (length == 0 || length > (64u << 20)) continue;
        int is_exif = type && strcmp(type, "Exif") == 0;
        int is_xmp = type && strcmp(type, "mime") == 0 && content && strcmp(content, "application/rdf+xml") == 0;
        if ((is_exif && out->exif) || (is_xmp && out->xmp) || (!is_exif && !is_xmp)) continue;
        unsigned char *block = malloc(length);
        if (!block) continue;
        if (heif_image_handle_get_metadata(handle, ids[i], block).code != heif_error_Ok) { free(block); continue; }
        if (is_exif) {
            // ISO/IEC 23008-12 A.2.1: 4-byte big-endian offset to the TIFF header, then the block.
            size_t skip = length >= 4 ? ((size_t)block[0] << 24 | (size_t)block[1] << 16 | (size_t)block[2] << 8 | block[3]) : length;
            if (skip > length - 4) { free(block); continue; }
            size_t tiff_size = length - 4 - skip;
            memmove(block, block + 4 + skip, tiff_size);
            out->exif = block; out->exif_size = tiff_size;
        } else {
            out->xmp = block; out->xmp_size = length;
        }
    }
    heif_close(context, handle);
    return EXPO_OK;
}

expo_status expo_heif_decode(const unsigned char *data, size_t size, int64_t max_pixels, expo_image *out) {
    clear_image(out);
    struct heif_context *context; struct heif_image_handle *handle;
    expo_status status = heif_open(data, size, &context, &handle, out->message);
    if (status != EXPO_OK) { heif_close(context, handle); return status; }
    int width = heif_image_handle_get_width(handle), height = heif_image_handle_get_height(handle);
    out->source_width = width;
    out->source_height = height;
    out->source_components = heif_image_handle_has_alpha_channel(handle) ? 4 : 3;
    int64_t declared = (int64_t)width * height;
    if (declared <= 0 || declared > max_pixels) {
        snprintf(out->message, EXPO_MESSAGE_CAPACITY, "image too large (%dx%d > %lld pixels)", width, height, (long long)max_pixels);
        heif_close(context, handle);
        return EXPO_TOO_LARGE;
    }
    struct heif_image *image = NULL;
    struct heif_error error = heif_decode_image(handle, &image, heif_colorspace_RGB, heif_chroma_interleaved_RGB, NULL);
    if (error.code != heif_error_Ok) {
        set_message(out->message, error.message);
        heif_close(context, handle);
        return error.code == heif_error_Unsupported_feature || error.code == heif_error_Unsupported_filetype
            ? EXPO_UNSUPPORTED : EXPO_CORRUPT;
    }
    int stride = 0;
    const uint8_t *plane = heif_image_get_plane_readonly(image, heif_channel_interleaved, &stride);
    int w = heif_image_get_width(image, heif_channel_interleaved), h = heif_image_get_height(image, heif_channel_interleaved);
    unsigned char *pixels = (plane && w > 0 && h > 0 && (int64_t)w * h <= max_pixels) ? malloc((size_t)w * h * 3) : NULL;
    if (!pixels) {
        set_message(out->message, plane ? "out of memory" : "HEIF decoder returned no RGB plane");
        status = plane ? EXPO_NO_MEMORY : EXPO_CORRUPT;
    } else {
        for (int y = 0; y < h; y++) memcpy(pixels + (size_t)y * w * 3, plane + (size_t)y * stride, (size_t)w * 3);
        out->width = w; out->height = h; out->pixels = pixels;
    }
    heif_image_release(image);
    heif_close(context, handle);
    return status;
}

static struct heif_error heif_write_memory(struct heif_context *ctx, const void *data, size_t size, void *userdata) {
    (void)ctx;
    unsigned char **buffer = ((unsigned char ***)userdata)[0];
    size_t *length = (size_t *)((void **)userdata)[1];
    struct heif_error ok = { heif_error_Ok, heif_suberror_Unspecified, "ok" };
    *buffer = malloc(size ? size : 1);
    if (!*buffer) { struct heif_error e = { heif_error_Memory_allocation_error, heif_suberror_Unspecified, "out of memory" }; return e; }
    memcpy(*buffer, data, size);
    *length = size;
    return ok;
}

expo_status expo_heif_encode(const unsigned char *rgb, int width, int height, int quality,
                             const unsigned char *exif, size_t exif_size,
                             unsigned char **out, size_t *out_size, char *message) {
    *out = NULL; *out_size = 0;
    enum heif_compression_format format = heif_have_encoder_for_format(heif_compression_HEVC) ? heif_compression_HEVC
        : heif_have_encoder_for_format(heif_compression_AV1) ? heif_compression_AV1 : heif_compression_undefined;
    if (format == heif_compression_undefined) { set_message(message, "no HEIF encoder in this libheif"); return EXPO_UNSUPPORTED; }
    struct heif_context *context = heif_context_alloc();
    struct heif_encoder *encoder = NULL;
    struct heif_image *image = NULL;
    struct heif_image_handle *handle = NULL;
    expo_status status = EXPO_CORRUPT;
    struct heif_error error = heif_context_get_encoder_for_format(context, format, &encoder);
    if (error.code == heif_error_Ok) error = heif_image_create(width, height, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &image);
    if (error.code == heif_error_Ok) error = heif_image_add_plane(image, heif_channel_interleaved, width, height, 8);
    if (error.code == heif_error_Ok) {
        int stride = 0;
        uint8_t *plane = heif_image_get_plane(image, heif_channel_interleaved, &stride);
        for (int y = 0; y < height; y++) memcpy(plane + (size_t)y * stride, rgb + (size_t)y * width * 3, (size_t)width * 3);
        heif_encoder_set_lossy_quality(encoder, quality);
        error = heif_context_encode_image(context, image, encoder, NULL, &handle);
    }
    if (error.code == heif_error_Ok && exif && exif_size) error = heif_context_add_exif_metadata(context, handle, exif, (int)exif_size);
    if (error.code == heif_error_Ok) {
        struct heif_writer writer = { 1, heif_write_memory };
        void *userdata[2] = { out, out_size };
        error = heif_context_write(context, &writer, userdata);
    }
    if (error.code == heif_error_Ok) status = EXPO_OK; else set_message(message, error.message);
    if (handle) heif_image_handle_release(handle);
    if (image) heif_image_release(image);
    if (encoder) heif_encoder_release(encoder);
    heif_context_free(context);
    return status;
}
