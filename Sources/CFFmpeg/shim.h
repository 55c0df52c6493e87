// What Swift cannot import from FFmpeg: function-like and composite macros.
#ifndef CONVEYOR_CFFMPEG_SHIM_H
#define CONVEYOR_CFFMPEG_SHIM_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>

static inline int cffmpeg_averror(int posix_error) { return AVERROR(posix_error); }
static inline int cffmpeg_averror_eof(void) { return AVERROR_EOF; }
static inline int cffmpeg_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int cffmpeg_averror_exit(void) { return AVERROR_EXIT; }
static inline int64_t cffmpeg_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int cffmpeg_time_base(void) { return AV_TIME_BASE; }
static inline int cffmpeg_qp2lambda(void) { return FF_QP2LAMBDA; }

/// Where FFmpeg's log lines go once formatted; set by Swift.
typedef void (*cffmpeg_log_sink)(int level, const char *line);
static cffmpeg_log_sink cffmpeg_current_log_sink = 0;

static inline void cffmpeg_log_forward(void *context, int level, const char *format, va_list arguments) {
    (void)context;
    if (level > av_log_get_level() || cffmpeg_current_log_sink == 0) return;
    char line[1024];
    vsnprintf(line, sizeof line, format, arguments);
    cffmpeg_current_log_sink(level, line);
}

/// Sends FFmpeg's log lines (up to `max_level`) to `sink` instead of stderr.
static inline void cffmpeg_set_log_sink(cffmpeg_log_sink sink, int max_level) {
    cffmpeg_current_log_sink = sink;
    av_log_set_level(max_level);
    av_log_set_callback(cffmpeg_log_forward);
}

#endif
