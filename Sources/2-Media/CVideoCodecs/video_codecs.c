// See include/video_codecs.h for what this shim guarantees and why it exists.
#include "video_codecs.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// Bounds on work a hostile stream can cause, whatever the caller's time budget.
enum {
    IO_BUFFER_SIZE = 64 * 1024,
    MAX_DECODE_ERRORS = 200,          // send/receive failures before giving up on a stream
    MAX_PACKETS = 20 * 1000 * 1000,   // packets read from the demuxer in one video
};

// The only demuxers allowed to open the bytes (libavformat's names). Everything a platform
// export holds as video: MP4/MOV/3GP (one demuxer), WebM/Matroska.
static const char *const ALLOWED_FORMATS = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm";

struct exv_video {
    const uint8_t *data;
    size_t size;
    int64_t position;
    AVIOContext *io;
    AVFormatContext *format;
    AVCodecContext *codec;
    AVStream *stream;
    AVPacket *packet;
    AVFrame *frame;
    struct SwsContext *scaler;
    unsigned char *scaled, *rotated;
    size_t scaled_capacity, rotated_capacity;
    int rotation;
    int64_t max_pixels;
    int64_t decoded, packets;
    int errors;
    int draining;
    double last_time, frame_rate;
    double last_returned;  // time of the last frame handed out (a seek may land before it)
    int64_t budget_frames;  // decoded-frame count at which the budget is spent (0: none)
    double budget_deadline; // monotonic seconds (0: none)
};

static double monotonic_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void exv_set_budget(exv_video *v, int64_t max_decoded_frames, double wall_seconds) {
    if (!v) return;
    v->budget_frames = max_decoded_frames > 0 ? v->decoded + max_decoded_frames : 0;
    v->budget_deadline = wall_seconds > 0 ? monotonic_seconds() + wall_seconds : 0;
}

static int budget_spent(const exv_video *v) {
    if (v->budget_frames > 0 && v->decoded >= v->budget_frames) return 1;
    // The clock is read every 16 frames: cheap, and a frame never takes long.
    return v->budget_deadline > 0 && (v->decoded & 15) == 0 && monotonic_seconds() > v->budget_deadline;
}

static void set_message(char *message, const char *what, int error) {
    if (!message) return;
    if (error) {
        char reason[AV_ERROR_MAX_STRING_SIZE] = {0};
        av_strerror(error, reason, sizeof reason);
        snprintf(message, EXV_MESSAGE_CAPACITY, "%s: %s", what, reason);
    } else {
        snprintf(message, EXV_MESSAGE_CAPACITY, "%s", what);
    }
}

// MARK: - Reading from memory

static int read_bytes(void *opaque, uint8_t *buffer, int wanted) {
    exv_video *v = opaque;
    if (wanted <= 0) return AVERROR(EINVAL);
    if (v->position >= (int64_t)v->size) return AVERROR_EOF;
    size_t left = v->size - (size_t)v->position;
    size_t n = (size_t)wanted < left ? (size_t)wanted : left;
    memcpy(buffer, v->data + v->position, n);
    v->position += (int64_t)n;
    return (int)n;
}

static int64_t seek_bytes(void *opaque, int64_t offset, int whence) {
    exv_video *v = opaque;
    whence &= ~AVSEEK_FORCE;
    if (whence == AVSEEK_SIZE) return (int64_t)v->size;
    int64_t base;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = v->position; break;
    case SEEK_END: base = (int64_t)v->size; break;
    default: return AVERROR(EINVAL);
    }
    // Overflow-safe: a hostile offset near INT64_MAX must not wrap around.
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0 || base + offset > (int64_t)v->size)
        return AVERROR(EINVAL);
    v->position = base + offset;
    return v->position;
}

// MARK: - Stream facts

// Clockwise degrees to turn frames upright (as ffplay does: the negated display-matrix angle).
static int rotation_of(const AVStream *stream) {
    const int32_t *matrix = NULL;
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 31, 100)
    const AVPacketSideData *side = av_packet_side_data_get(stream->codecpar->coded_side_data,
                                                           stream->codecpar->nb_coded_side_data,
                                                           AV_PKT_DATA_DISPLAYMATRIX);
    if (side && side->size >= 9 * 4) matrix = (const int32_t *)side->data;
#else
    size_t size = 0;
    const uint8_t *side = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (side && size >= 9 * 4) matrix = (const int32_t *)side;
#endif
    if (!matrix) return 0;
    double angle = -av_display_rotation_get(matrix);
    if (!isfinite(angle)) return 0;
    int degrees = ((int)lround(angle / 90.0) * 90) % 360;
    return degrees < 0 ? degrees + 360 : degrees;
}

static double seconds_of(const exv_video *v, int64_t pts) {
    if (pts == AV_NOPTS_VALUE) {
        return v->frame_rate > 0 ? (double)v->decoded / v->frame_rate : v->last_time;
    }
    int64_t start = v->stream->start_time == AV_NOPTS_VALUE ? 0 : v->stream->start_time;
    double t = (double)(pts - start) * av_q2d(v->stream->time_base);
    return isfinite(t) ? t : v->last_time;
}

static int size_allowed(int64_t width, int64_t height, int64_t max_pixels) {
    return width > 0 && height > 0 && width <= EXV_MAX_SIDE && height <= EXV_MAX_SIDE
        && (max_pixels <= 0 || width * height <= max_pixels);
}

// MARK: - Open and close

exv_status exv_open(const uint8_t *data, size_t size, int64_t max_pixels, int threads,
                    exv_video **out, exv_info *info, char message[EXV_MESSAGE_CAPACITY]) {
    if (message) message[0] = 0;
    if (!data || size == 0 || !out || !info) { set_message(message, "no video data", 0); return EXV_BAD_ARGUMENT; }
    *out = NULL;
    memset(info, 0, sizeof *info);
    av_log_set_level(AV_LOG_QUIET);

    exv_video *v = av_mallocz(sizeof *v);
    if (!v) { set_message(message, "out of memory", 0); return EXV_NO_MEMORY; }
    v->data = data; v->size = size; v->max_pixels = max_pixels;
    v->last_returned = -INFINITY;

    exv_status status = EXV_NO_MEMORY;
    int r = 0;
    unsigned char *io_buffer = av_malloc(IO_BUFFER_SIZE);
    if (!io_buffer) goto fail;
    v->io = avio_alloc_context(io_buffer, IO_BUFFER_SIZE, 0, v, read_bytes, NULL, seek_bytes);
    if (!v->io) { av_free(io_buffer); goto fail; }
    v->format = avformat_alloc_context();
    if (!v->format) goto fail;
    v->format->pb = v->io;
    v->format->flags |= AVFMT_FLAG_CUSTOM_IO;

    AVDictionary *options = NULL;
    av_dict_set(&options, "format_whitelist", ALLOWED_FORMATS, 0);
    av_dict_set(&options, "protocol_whitelist", "none", 0);  // no demuxer may open anything else
    r = avformat_open_input(&v->format, NULL, NULL, &options);
    av_dict_free(&options);
    if (r < 0) {
        // avformat_open_input frees the context on failure.
        v->format = NULL;
        set_message(message, "not a readable MP4, MOV, 3GP or WebM video", r);
        status = EXV_CORRUPT; goto fail;
    }
    snprintf(info->container, EXV_NAME_CAPACITY, "%s", v->format->iformat->name);
    r = avformat_find_stream_info(v->format, NULL);
    if (r < 0) { set_message(message, "cannot read the stream layout", r); status = EXV_CORRUPT; goto fail; }

    const AVCodec *decoder = NULL;
    int index = av_find_best_stream(v->format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
    if (index == AVERROR_DECODER_NOT_FOUND || (index >= 0 && !decoder)) {
        const AVStream *s = index >= 0 ? v->format->streams[index] : NULL;
        char what[EXV_MESSAGE_CAPACITY];
        snprintf(what, sizeof what, "no decoder for this video's codec (%s)",
                 s ? avcodec_get_name(s->codecpar->codec_id) : "unknown");
        set_message(message, what, 0);
        status = EXV_UNSUPPORTED; goto fail;
    }
    if (index < 0) { set_message(message, "no video stream", 0); status = EXV_UNSUPPORTED; goto fail; }
    v->stream = v->format->streams[index];
    for (unsigned i = 0; i < v->format->nb_streams; i++)
        if ((int)i != index) v->format->streams[i]->discard = AVDISCARD_ALL;  // audio is never read

    const AVCodecParameters *p = v->stream->codecpar;
    if (!size_allowed(p->width, p->height, max_pixels)) {
        char what[EXV_MESSAGE_CAPACITY];
        snprintf(what, sizeof what, "declared frame size %dx%d is zero or beyond the cap", p->width, p->height);
        set_message(message, what, 0);
        status = EXV_TOO_LARGE; goto fail;
    }
    v->codec = avcodec_alloc_context3(decoder);
    if (!v->codec) goto fail;
    r = avcodec_parameters_to_context(v->codec, p);
    if (r < 0) { set_message(message, "bad codec parameters", r); status = EXV_CORRUPT; goto fail; }
    v->codec->thread_count = threads > 0 ? threads : 0;
    // Frames nothing refers to (most B-frames) are never sampled at one per second: not decoding
    // them is the largest saving there is. FLAG2_FAST allows the H.264 decoder's non-bit-exact speed-ups.
    v->codec->skip_frame = AVDISCARD_NONREF;
    // No deblocking either: about a fifth of H.264's decoding time. Faces are searched in frames
    // scaled to 960 px, where block edges average out: on ExposureBench video the track's best
    // faces were 0.089-0.099 from the photo's face without it, 0.100-0.102 with it.
    v->codec->skip_loop_filter = AVDISCARD_ALL;
    v->codec->flags2 |= AV_CODEC_FLAG2_FAST;
    r = avcodec_open2(v->codec, decoder, NULL);
    if (r < 0) { set_message(message, "cannot open the decoder", r); status = EXV_UNSUPPORTED; goto fail; }

    v->packet = av_packet_alloc();
    v->frame = av_frame_alloc();
    if (!v->packet || !v->frame) goto fail;

    v->rotation = rotation_of(v->stream);
    AVRational rate = v->stream->avg_frame_rate.num > 0 ? v->stream->avg_frame_rate : v->stream->r_frame_rate;
    v->frame_rate = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0;
    info->coded_width = p->width;
    info->coded_height = p->height;
    info->rotation = v->rotation;
    info->frame_rate = v->frame_rate;
    if (v->stream->duration != AV_NOPTS_VALUE && v->stream->duration > 0)
        info->duration = (double)v->stream->duration * av_q2d(v->stream->time_base);
    else if (v->format->duration != AV_NOPTS_VALUE && v->format->duration > 0)
        info->duration = (double)v->format->duration / AV_TIME_BASE;
    else
        info->duration = -1;
    if (!isfinite(info->duration)) info->duration = -1;
    snprintf(info->codec, EXV_NAME_CAPACITY, "%s", decoder->name);
    *out = v;
    return EXV_OK;

fail:
    if (status == EXV_NO_MEMORY && message && !message[0]) set_message(message, "out of memory", 0);
    exv_close(v);
    return status;
}

void exv_close(exv_video *v) {
    if (!v) return;
    sws_freeContext(v->scaler);
    av_free(v->scaled);
    av_free(v->rotated);
    av_frame_free(&v->frame);
    av_packet_free(&v->packet);
    avcodec_free_context(&v->codec);
    avformat_close_input(&v->format);
    if (v->io) {
        av_freep(&v->io->buffer);
        avio_context_free(&v->io);
    }
    av_free(v);
}

int64_t exv_decoded_frames(const exv_video *v) { return v ? v->decoded : 0; }

// MARK: - Frames

static unsigned char *ensure(unsigned char **buffer, size_t *capacity, size_t size) {
    if (*capacity >= size) return *buffer;
    av_free(*buffer);
    *buffer = av_malloc(size);
    *capacity = *buffer ? size : 0;
    return *buffer;
}

// Turns packed RGB `src` (w x h) by `degrees` clockwise into `dst`.
static void rotate_rgb(const unsigned char *src, int w, int h, int degrees, unsigned char *dst) {
    if (degrees == 180) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                memcpy(dst + 3 * ((size_t)(h - 1 - y) * w + (w - 1 - x)), src + 3 * ((size_t)y * w + x), 3);
        return;
    }
    // 90 or 270: the output is h wide and w high.
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int ox = degrees == 90 ? h - 1 - y : y;
            int oy = degrees == 90 ? x : w - 1 - x;
            memcpy(dst + 3 * ((size_t)oy * h + ox), src + 3 * ((size_t)y * w + x), 3);
        }
}

static exv_status convert(exv_video *v, int max_side, exv_frame *out, char *message) {
    AVFrame *f = v->frame;
    if (!size_allowed(f->width, f->height, v->max_pixels)) {
        char what[EXV_MESSAGE_CAPACITY];
        snprintf(what, sizeof what, "decoded frame size %dx%d is zero or beyond the cap", f->width, f->height);
        set_message(message, what, 0);
        return EXV_TOO_LARGE;
    }
    int longer = f->width > f->height ? f->width : f->height;
    double scale = max_side > 0 && longer > max_side ? (double)max_side / longer : 1.0;
    int w = (int)lround(f->width * scale), h = (int)lround(f->height * scale);
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    v->scaler = sws_getCachedContext(v->scaler, f->width, f->height, f->format, w, h, AV_PIX_FMT_RGB24,
                                     SWS_BILINEAR, NULL, NULL, NULL);
    if (!v->scaler) { set_message(message, "cannot convert this pixel format", 0); return EXV_UNSUPPORTED; }
    size_t bytes = (size_t)w * h * 3;
    // swscale's SIMD paths may write a little past the last row: padding.
    if (!ensure(&v->scaled, &v->scaled_capacity, bytes + 64)) { set_message(message, "out of memory", 0); return EXV_NO_MEMORY; }
    uint8_t *planes[4] = {v->scaled, NULL, NULL, NULL};
    int strides[4] = {3 * w, 0, 0, 0};
    if (sws_scale(v->scaler, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes, strides) <= 0) {
        set_message(message, "frame conversion failed", 0);
        return EXV_CORRUPT;
    }
    out->pixels = v->scaled;
    out->width = w; out->height = h;
    if (v->rotation) {
        if (!ensure(&v->rotated, &v->rotated_capacity, bytes)) { set_message(message, "out of memory", 0); return EXV_NO_MEMORY; }
        rotate_rgb(v->scaled, w, h, v->rotation, v->rotated);
        out->pixels = v->rotated;
        if (v->rotation != 180) { out->width = h; out->height = w; }
    }
    return EXV_OK;
}

static int is_keyframe(const AVFrame *f) {
#ifdef AV_FRAME_FLAG_KEY
    return (f->flags & AV_FRAME_FLAG_KEY) != 0;
#else
    return f->key_frame != 0;
#endif
}

exv_status exv_next_frame(exv_video *v, double min_time, double keyframe_gap, double seek_beyond,
                          int max_side, exv_frame *out, char message[EXV_MESSAGE_CAPACITY]) {
    if (message) message[0] = 0;
    if (!v || !out) return EXV_BAD_ARGUMENT;
    memset(out, 0, sizeof *out);
    if (seek_beyond > 0 && !v->draining && isfinite(min_time) && min_time - v->last_time > seek_beyond) {
        int64_t start = v->stream->start_time == AV_NOPTS_VALUE ? 0 : v->stream->start_time;
        double ticks = min_time / av_q2d(v->stream->time_base);
        if (isfinite(ticks) && ticks < (double)(INT64_MAX / 2)) {
            if (av_seek_frame(v->format, v->stream->index, start + (int64_t)ticks, AVSEEK_FLAG_BACKWARD) >= 0)
                avcodec_flush_buffers(v->codec);
        }
    }
    for (;;) {
        int r = avcodec_receive_frame(v->codec, v->frame);
        if (r == 0) {
            v->decoded++;
            if (budget_spent(v)) {
                av_frame_unref(v->frame);
                set_message(message, "work budget spent", 0);
                return EXV_BUDGET;
            }
            double t = seconds_of(v, v->frame->best_effort_timestamp);
            v->last_time = t;
            // A keyframe only counts when it is new: after a seek the decoder restarts at the
            // keyframe before the target, which may be one already handed out.
            int new_keyframe = keyframe_gap >= 0 && is_keyframe(v->frame) && t > v->last_returned + fmax(keyframe_gap, 1e-3);
            if (t >= min_time || new_keyframe) {
                out->time = t;
                v->last_returned = t;
                out->is_keyframe = is_keyframe(v->frame);
                exv_status s = convert(v, max_side, out, message);
                av_frame_unref(v->frame);
                return s;
            }
            av_frame_unref(v->frame);
            continue;
        }
        if (r == AVERROR_EOF) return EXV_END;
        if (r != AVERROR(EAGAIN)) {
            if (++v->errors > MAX_DECODE_ERRORS) { set_message(message, "the decoder keeps failing", r); return EXV_TOO_MANY_ERRORS; }
            if (v->draining) return EXV_END;
        }
        if (v->draining) return EXV_END;
        r = av_read_frame(v->format, v->packet);
        if (r < 0) {
            // End of data, or a demuxer error (a truncated file): decode what is buffered.
            v->draining = 1;
            avcodec_send_packet(v->codec, NULL);
            continue;
        }
        if (v->packet->stream_index != v->stream->index) { av_packet_unref(v->packet); continue; }
        // Packets the decoder skips (non-reference frames) never reach the frame count: the
        // clock is checked here too, so a stream of skipped packets cannot run forever.
        if ((v->packets & 255) == 0 && v->budget_deadline > 0 && monotonic_seconds() > v->budget_deadline) {
            av_packet_unref(v->packet);
            set_message(message, "work budget spent", 0);
            return EXV_BUDGET;
        }
        if (++v->packets > MAX_PACKETS) {
            av_packet_unref(v->packet);
            set_message(message, "too many packets", 0);
            return EXV_TOO_MANY_ERRORS;
        }
        r = avcodec_send_packet(v->codec, v->packet);
        av_packet_unref(v->packet);
        if (r < 0 && r != AVERROR(EAGAIN) && ++v->errors > MAX_DECODE_ERRORS) {
            set_message(message, "the decoder keeps failing", r);
            return EXV_TOO_MANY_ERRORS;
        }
    }
}

// MARK: - Encoding into memory

typedef struct {
    uint8_t *data;
    size_t size, capacity, position;
} memory_file;

static int write_bytes(void *opaque, const uint8_t *bytes, int n) {
    memory_file *m = opaque;
    if (n < 0) return AVERROR(EINVAL);
    size_t end = m->position + (size_t)n;
    if (end > m->capacity) {
        size_t capacity = m->capacity ? m->capacity : 1 << 16;
        while (capacity < end) capacity *= 2;
        uint8_t *grown = realloc(m->data, capacity);
        if (!grown) return AVERROR(ENOMEM);
        m->data = grown; m->capacity = capacity;
    }
    memcpy(m->data + m->position, bytes, (size_t)n);
    m->position = end;
    if (end > m->size) m->size = end;
    return n;
}

#if LIBAVFORMAT_VERSION_MAJOR >= 61
static int write_bytes_const(void *opaque, const uint8_t *bytes, int n) { return write_bytes(opaque, bytes, n); }
#else
static int write_bytes_const(void *opaque, uint8_t *bytes, int n) { return write_bytes(opaque, bytes, n); }
#endif

static int64_t seek_memory(void *opaque, int64_t offset, int whence) {
    memory_file *m = opaque;
    whence &= ~AVSEEK_FORCE;
    if (whence == AVSEEK_SIZE) return (int64_t)m->size;
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)m->position : whence == SEEK_END ? (int64_t)m->size : -1;
    if (base < 0 || base + offset < 0) return AVERROR(EINVAL);
    m->position = (size_t)(base + offset);
    return (int64_t)m->position;
}

struct exv_encoder {
    memory_file file;
    AVIOContext *io;
    AVFormatContext *format;
    AVCodecContext *codec;
    AVStream *stream;
    AVFrame *frame;
    AVPacket *packet;
    struct SwsContext *scaler;
    int64_t next_pts;
    int width, height;
};

static exv_status drain(exv_encoder *e, char *message) {
    for (;;) {
        int r = avcodec_receive_packet(e->codec, e->packet);
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return EXV_OK;
        if (r < 0) { set_message(message, "encoder failed", r); return EXV_CORRUPT; }
        av_packet_rescale_ts(e->packet, e->codec->time_base, e->stream->time_base);
        e->packet->stream_index = e->stream->index;
        r = av_interleaved_write_frame(e->format, e->packet);
        av_packet_unref(e->packet);
        if (r < 0) { set_message(message, "muxer failed", r); return EXV_CORRUPT; }
    }
}

exv_status exv_encoder_open(int width, int height, int fps, int rotation_tag, exv_encoder **out,
                            char message[EXV_MESSAGE_CAPACITY]) {
    if (message) message[0] = 0;
    if (!out || width < 2 || height < 2 || width % 2 || height % 2 || fps < 1 || width > EXV_MAX_SIDE || height > EXV_MAX_SIDE) {
        set_message(message, "bad encoder size", 0);
        return EXV_BAD_ARGUMENT;
    }
    *out = NULL;
    av_log_set_level(AV_LOG_QUIET);
    exv_encoder *e = av_mallocz(sizeof *e);
    if (!e) return EXV_NO_MEMORY;
    e->width = width; e->height = height;
    int r = avformat_alloc_output_context2(&e->format, NULL, "mp4", NULL);
    if (r < 0 || !e->format) { set_message(message, "no MP4 muxer", r); exv_encoder_close(e); return EXV_UNSUPPORTED; }
    unsigned char *buffer = av_malloc(IO_BUFFER_SIZE);
    if (buffer) e->io = avio_alloc_context(buffer, IO_BUFFER_SIZE, 1, &e->file, NULL, write_bytes_const, seek_memory);
    if (!e->io) { av_free(buffer); exv_encoder_close(e); return EXV_NO_MEMORY; }
    e->format->pb = e->io;
    e->format->flags |= AVFMT_FLAG_CUSTOM_IO;

    const AVCodec *encoder = avcodec_find_encoder_by_name("libx264");
    if (!encoder) encoder = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
    if (!encoder) { set_message(message, "no H.264 or MPEG-4 encoder", 0); exv_encoder_close(e); return EXV_UNSUPPORTED; }
    e->codec = avcodec_alloc_context3(encoder);
    e->stream = avformat_new_stream(e->format, NULL);
    e->frame = av_frame_alloc();
    e->packet = av_packet_alloc();
    if (!e->codec || !e->stream || !e->frame || !e->packet) { exv_encoder_close(e); return EXV_NO_MEMORY; }
    e->codec->width = width; e->codec->height = height;
    e->codec->time_base = (AVRational){1, fps};
    e->codec->framerate = (AVRational){fps, 1};
    e->codec->pix_fmt = AV_PIX_FMT_YUV420P;
    e->codec->gop_size = 2 * fps;
    e->codec->thread_count = 1;
    e->codec->bit_rate = 2000000;
    if (e->format->oformat->flags & AVFMT_GLOBALHEADER) e->codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (strcmp(encoder->name, "libx264") == 0) {
        av_opt_set(e->codec->priv_data, "preset", "veryfast", 0);
        av_opt_set(e->codec->priv_data, "crf", "23", 0);
    }
    r = avcodec_open2(e->codec, encoder, NULL);
    if (r < 0) { set_message(message, "cannot open the encoder", r); exv_encoder_close(e); return EXV_UNSUPPORTED; }
    avcodec_parameters_from_context(e->stream->codecpar, e->codec);
    e->stream->time_base = e->codec->time_base;
    if (rotation_tag % 360) {
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 31, 100)
        AVPacketSideData *side = av_packet_side_data_new(&e->stream->codecpar->coded_side_data,
                                                         &e->stream->codecpar->nb_coded_side_data,
                                                         AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t), 0);
        uint8_t *matrix = side ? side->data : NULL;
#else
        uint8_t *matrix = av_stream_new_side_data(e->stream, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t));
#endif
        // av_display_rotation_set takes the clockwise angle (av_display_rotation_get answers counter-clockwise).
        if (matrix) av_display_rotation_set((int32_t *)matrix, (double)rotation_tag);
    }
    r = avformat_write_header(e->format, NULL);
    if (r < 0) { set_message(message, "cannot write the MP4 header", r); exv_encoder_close(e); return EXV_CORRUPT; }
    e->frame->format = AV_PIX_FMT_YUV420P;
    e->frame->width = width; e->frame->height = height;
    if (av_frame_get_buffer(e->frame, 0) < 0) { exv_encoder_close(e); return EXV_NO_MEMORY; }
    e->scaler = sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, AV_PIX_FMT_YUV420P, SWS_BILINEAR, NULL, NULL, NULL);
    if (!e->scaler) { exv_encoder_close(e); return EXV_NO_MEMORY; }
    *out = e;
    return EXV_OK;
}

exv_status exv_encoder_add(exv_encoder *e, const uint8_t *rgb, char message[EXV_MESSAGE_CAPACITY]) {
    if (message) message[0] = 0;
    if (!e || !rgb) return EXV_BAD_ARGUMENT;
    if (av_frame_make_writable(e->frame) < 0) return EXV_NO_MEMORY;
    const uint8_t *planes[1] = {rgb};
    int strides[1] = {3 * e->width};
    sws_scale(e->scaler, planes, strides, 0, e->height, e->frame->data, e->frame->linesize);
    e->frame->pts = e->next_pts++;
    int r = avcodec_send_frame(e->codec, e->frame);
    if (r < 0) { set_message(message, "encoder refused a frame", r); return EXV_CORRUPT; }
    return drain(e, message);
}

exv_status exv_encoder_finish(exv_encoder *e, uint8_t **data, size_t *size, char message[EXV_MESSAGE_CAPACITY]) {
    if (message) message[0] = 0;
    if (!e || !data || !size) return EXV_BAD_ARGUMENT;
    avcodec_send_frame(e->codec, NULL);
    exv_status s = drain(e, message);
    if (s != EXV_OK) return s;
    int r = av_write_trailer(e->format);
    if (r < 0) { set_message(message, "cannot finish the MP4", r); return EXV_CORRUPT; }
    avio_flush(e->io);
    *data = e->file.data;
    *size = e->file.size;
    e->file.data = NULL;
    e->file.size = e->file.capacity = 0;
    return EXV_OK;
}

void exv_encoder_close(exv_encoder *e) {
    if (!e) return;
    sws_freeContext(e->scaler);
    av_packet_free(&e->packet);
    av_frame_free(&e->frame);
    avcodec_free_context(&e->codec);
    if (e->format) avformat_free_context(e->format);
    if (e->io) { av_freep(&e->io->buffer); avio_context_free(&e->io); }
    free(e->file.data);
    av_free(e);
}

void exv_free(void *pointer) { free(pointer); }
