// CImageCodecs: HEIF / HEIC / AVIF (libheif) decoding, metadata (EXIF, XMP) without
// decoding, and the encoder the tests use. libheif never longjmps or exits (errors are
// returned as struct heif_error), so no setjmp here; the file adds the pixel cap and the
// common output format. libheif applies irot/imir itself: the result is already upright
// (see image_codecs.h).
#include "image_codecs.h"
#include "codec_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
