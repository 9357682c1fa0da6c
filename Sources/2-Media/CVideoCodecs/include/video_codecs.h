#ifndef EXPOSURE_VIDEO_CODECS_H
#define EXPOSURE_VIDEO_CODECS_H
// CVideoCodecs: the only code that calls FFmpeg's libraries (libavformat, libavcodec,
// libswscale, libavutil). The Swift module VideoFrames is its only caller.
//
// Why a shim: FFmpeg's API is pointer- and struct-heavy (AVIOContext callbacks, frame
// pools, side data), and its hazards are handled in one place here:
//  - input comes from memory only: a custom AVIOContext reads the bytes the caller holds;
//    no file, no protocol (protocol_whitelist is empty) and only the container demuxers
//    Exposure expects (format_whitelist), so a hostile file cannot make a demuxer such as
//    HLS or concat open other files or URLs;
//  - sizes are checked before any frame is converted: the declared and the decoded size
//    must both be within EXV_MAX_SIDE and the caller's pixel cap, and never zero;
//  - endless or hostile streams are bounded by packet, frame and error counts;
//  - FFmpeg's logging is silenced (the worker's stderr is not for library chatter).
//
// Output frames are 8-bit RGB, rows packed (stride = 3 * width), scaled so the longer side
// is at most the caller's `max_side`, and turned upright by the stream's display matrix
// (rotation metadata of phone videos).

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    EXV_OK = 0,
    EXV_END = 1,           // no more frames
    EXV_CORRUPT = 2,       // the demuxer or decoder refused the data (message says why)
    EXV_UNSUPPORTED = 3,   // no video stream, or a codec this build cannot decode
    EXV_TOO_LARGE = 4,     // declared or decoded size beyond the caps
    EXV_NO_MEMORY = 5,
    EXV_BAD_ARGUMENT = 6,
    EXV_TOO_MANY_ERRORS = 7,  // the decoder kept failing: given up
    EXV_BUDGET = 8,        // the budget set with exv_set_budget is spent (frames decoded or wall time)
} exv_status;

enum { EXV_MESSAGE_CAPACITY = 200, EXV_MAX_SIDE = 8192, EXV_NAME_CAPACITY = 32 };

typedef struct {
    int coded_width, coded_height;   // as the stream declares (before rotation)
    int rotation;                    // clockwise degrees applied to frames: 0, 90, 180, 270
    double duration;                 // seconds; < 0 when unknown
    double frame_rate;               // average frames per second; 0 when unknown
    char codec[EXV_NAME_CAPACITY];   // FFmpeg's decoder name: h264, hevc, vp9, libdav1d, ...
    char container[EXV_NAME_CAPACITY];
} exv_info;

typedef struct {
    int width, height;        // of `pixels`, upright
    double time;              // presentation time, seconds from the stream's start
    int is_keyframe;
    unsigned char *pixels;    // owned by the video; valid until the next call on it
} exv_frame;

typedef struct exv_video exv_video;

// Opens a video held in memory. `data` must stay valid until exv_close. `max_pixels` caps
// coded width * height. `threads`: decoder threads (0: FFmpeg's choice).
exv_status exv_open(const uint8_t *data, size_t size, int64_t max_pixels, int threads,
                    exv_video **out, exv_info *info, char message[EXV_MESSAGE_CAPACITY]);

// Caps the work on this video from now on: at most `max_decoded_frames` decoded frames
// (converted or not) and `wall_seconds` of wall-clock time (<= 0: no cap). A stream with
// endless frames, or timestamps that never advance, ends with EXV_BUDGET inside one call.
void exv_set_budget(exv_video *video, int64_t max_decoded_frames, double wall_seconds);

// The next decoded frame whose time is at least `min_time`, or the next keyframe at least
// `keyframe_gap` seconds after the last frame handed out when `keyframe_gap` >= 0
// (keyframes mark scene changes and cost nothing extra), converted
// to RGB with the longer side at most `max_side`. Frames in between are decoded (they are
// needed as references) but not converted. When `min_time` is more than `seek_beyond`
// seconds ahead, the demuxer seeks to the keyframe before it first (long videos sampled
// sparsely). Returns EXV_END after the last frame.
exv_status exv_next_frame(exv_video *video, double min_time, double keyframe_gap, double seek_beyond,
                          int max_side, exv_frame *frame, char message[EXV_MESSAGE_CAPACITY]);

// Frames decoded so far (converted or not): the caller's cap on work per video.
int64_t exv_decoded_frames(const exv_video *video);

void exv_close(exv_video *video);

// MARK: - Encoding (demo export and benchmarks: a video made in memory, never on disk)

typedef struct exv_encoder exv_encoder;

// An MP4 of `width` x `height` RGB frames at `fps`, H.264 (libx264, one thread: the same bytes
// on every run) or MPEG-4 part 2 where libx264 is missing. `rotation_tag`: clockwise degrees a
// player should turn the frames (0, 90, 180, 270), written as the display matrix.
exv_status exv_encoder_open(int width, int height, int fps, int rotation_tag, exv_encoder **out,
                            char message[EXV_MESSAGE_CAPACITY]);
// Adds one frame of packed RGB (3 * width * height bytes).
exv_status exv_encoder_add(exv_encoder *encoder, const uint8_t *rgb, char message[EXV_MESSAGE_CAPACITY]);
// Finishes the file; `*data` (release with exv_free) holds `*size` bytes of MP4.
exv_status exv_encoder_finish(exv_encoder *encoder, uint8_t **data, size_t *size, char message[EXV_MESSAGE_CAPACITY]);
void exv_encoder_close(exv_encoder *encoder);
void exv_free(void *pointer);

#ifdef __cplusplus
}
#endif
#endif
