#!/usr/bin/env bash
# tests/e2e/make_video.sh — makes static/video.mp4 (`deno task video`): a 30 s test pattern with a
# running clock and a tone, H.264 + AAC, small (about 1.5 MiB) so it fits in git and streams in a
# classroom. `-movflags +faststart` moves the index (the moov atom) to the front of the file, so a
# player can start before it has the whole file and seek with Range requests at once.
set -euo pipefail
out="${1:-$(dirname "$0")/../../static/video.mp4}"
command -v ffmpeg >/dev/null || { echo "video: ffmpeg is needed (apt-get install ffmpeg)" >&2; exit 1; }
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=640x360:rate=25:duration=30" \
  -f lavfi -i "sine=frequency=440:beep_factor=4:sample_rate=44100:duration=30" \
  -vf "drawtext=text='tinyhttps %{pts\:hms}':x=20:y=20:fontsize=32:fontcolor=white:box=1:boxcolor=black@0.6" \
  -c:v libx264 -preset slow -profile:v main -pix_fmt yuv420p -b:v 360k -maxrate 500k -bufsize 1M \
  -g 50 -c:a aac -b:a 48k -ac 1 -movflags +faststart "$out"
echo "video: wrote $out ($(stat -c %s "$out") bytes)"
