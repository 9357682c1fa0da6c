// CImageCodecs internal: the helpers every codec file shares. Not in include/, so it is
// not part of the module Swift imports (that stays include/image_codecs.h alone).
//
// static inline: each codec file gets its own copy, so nothing here becomes a linker
// symbol that could clash with another C target (CVideoCodecs has its own set_message).
#ifndef EXPOSURE_CODEC_COMMON_H
#define EXPOSURE_CODEC_COMMON_H

#include "image_codecs.h"

#include <stdio.h>
#include <string.h>

static inline void set_message(char *message, const char *text) {
    if (!message) return;
    snprintf(message, EXPO_MESSAGE_CAPACITY, "%s", text);
}

static inline void clear_image(expo_image *out) {
    memset(out, 0, sizeof *out);
}

#endif
