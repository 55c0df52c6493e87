#!/usr/bin/env bash
# Makes the media fixtures in this folder with Debian's ffmpeg (5.1). The files are committed:
# run this only to change them. Each stays well under 300 kB.
set -euo pipefail
cd "$(dirname "$0")"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
src_av() { echo -f lavfi -i "testsrc2=size=$1:rate=$2" -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$3"; }

# H.264 + AAC, 320x240, 25 fps, 2 s, moov before mdat.
ff $(src_av 320x240 25 2) -c:v libx264 -preset veryfast -crf 35 -pix_fmt yuv420p -c:a aac -b:a 48k \
   -movflags +faststart faststart.mp4
# H.264 + AAC, 640x360, 30 fps, 3 s, moov after mdat (the muxer's default).
ff $(src_av 640x360 30 3) -c:v libx264 -preset veryfast -crf 38 -pix_fmt yuv420p -c:a aac -b:a 48k \
   moov-at-end.mp4
# Fragmented MP4: empty moov, then moof/mdat pairs; H.264 only, 320x180, 24 fps, 2 s.
ff -f lavfi -i testsrc2=size=320x180:rate=24 -t 2 -c:v libx264 -preset veryfast -crf 35 -pix_fmt yuv420p \
   -movflags frag_keyframe+empty_moov+default_base_moof fragmented.mp4
# Portrait phone video: 320x240 stored, displayed rotated 90° clockwise.
# ffmpeg 5.1 has no option for it, so the video track header's display matrix is set afterwards.
ff $(src_av 320x240 25 1) -c:v libx264 -preset veryfast -crf 35 -pix_fmt yuv420p -c:a aac -b:a 48k \
   -movflags +faststart rotated.mp4
python3 - <<'PY'
import struct
data = bytearray(open("rotated.mp4", "rb").read())
at = data.find(b"tkhd") - 4                       # the first track is the video track
matrix = at + (60 if data[at + 8] == 1 else 48)   # after the version 0/1 header fields
data[matrix:matrix + 36] = struct.pack(">9I", 0, 0x10000, 0, 0xFFFF0000, 0, 0, 0, 0, 0x40000000)
open("rotated.mp4", "wb").write(data)
PY
# VP9 + Opus in WebM, 320x180, 25 fps, 2 s.
ff $(src_av 320x180 25 2) -c:v libvpx-vp9 -b:v 150k -deadline realtime -cpu-used 8 -c:a libopus -b:a 32k video.webm
# Audio only: AAC in MP4, 2 s.
ff -f lavfi -i sine=frequency=440:sample_rate=48000 -t 2 -c:a aac -b:a 48k audio-only.m4a
# Truncated: the first 60% of moov-at-end.mp4, so the moov box is missing.
head -c $(( $(stat -c %s moov-at-end.mp4) * 6 / 10 )) moov-at-end.mp4 > truncated.mp4
# Not a video at all.
printf 'This is a plain text file, not a video.\n%.0s' {1..40} > not-a-video.txt
ls -l
