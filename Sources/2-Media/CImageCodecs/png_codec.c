// CImageCodecs: PNG (libpng) decoding and encoding behind functions that never exit(),
// abort() or longjmp into the caller. See image_codecs.h for the limits (pixel cap, chunk
// limits) and the output format (always 8-bit RGB, alpha dropped).
//
// Why C: libpng reports fatal errors by longjmp (its default error handler, without a
// setjmp, aborts). Swift cannot call setjmp, and a longjmp across Swift frames would skip
// releases, so every libpng call, the setjmp and the error/IO callbacks live here.
//
// setjmp discipline: anything allocated after setjmp lives in a context struct (not in
// a local that the longjmp could leave stale), and is released on both paths.
#include "image_codecs.h"
#include "codec_common.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

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
