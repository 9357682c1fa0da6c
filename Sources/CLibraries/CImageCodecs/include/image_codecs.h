#ifndef EXPOSURE_IMAGE_CODECS_H
#define EXPOSURE_IMAGE_CODECS_H
// Placeholder; the JPEG/PNG shim that owns setjmp/longjmp lands with MediaMetadata.
int exposure_codecs_version(void);
#endif
