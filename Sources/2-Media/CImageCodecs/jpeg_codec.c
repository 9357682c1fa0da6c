// CImageCodecs: JPEG (libjpeg-turbo) decoding and encoding behind functions that never
// exit(), abort() or longjmp into the caller. See image_codecs.h for the limits (pixel cap,
// scan and warning limits, truncation) and the output format.
//
// Why C: libjpeg reports fatal errors through error_exit, whose default handler calls
// exit(); ours (jpeg_fail) longjmps back to a setjmp in the calling function instead. Swift
// cannot call setjmp, and a longjmp across Swift frames would skip releases, so every
// libjpeg call, the setjmp and the error callbacks live here.
//
// setjmp discipline: anything allocated after setjmp lives in a context struct (not in
// a local that the longjmp could leave stale), and is released on both paths.
#include "image_codecs.h"
#include "codec_common.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

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
