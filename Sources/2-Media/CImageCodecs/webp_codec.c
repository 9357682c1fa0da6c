// CImageCodecs: WebP (libwebp) still-image decoding and the lossless encoder the tests use.
// libwebp never longjmps or exits (errors are return codes), so no setjmp here; the file
// only adds the pixel cap, the refusal of animated WebP and the common output format
// (see image_codecs.h).
#include "image_codecs.h"
#include "codec_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
