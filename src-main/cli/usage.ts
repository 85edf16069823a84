/** The CLI's help text: the contract other tools script against. */
export const USAGE = `luxfuse — merge exposure brackets into HDR (OpenEXR) and display images (JPEG/PNG)

Usage:
  luxfuse group <files or folders...> [--json] [--recursive]
  luxfuse merge <files...> [options]
  luxfuse correct <file> --png OUT.png [--jpeg OUT.jpg] [--exr OUT.exr] [options]
  luxfuse batch <files or folders...> --out DIR [--formats jpeg,exr] [merge options]
  luxfuse --help | --version

group   Finds brackets among the files (EXIF: body, lens, capture time, exposure pattern).
        --json          print {"groups":[{"files","exposureValues","reason","confidence"}],
                        "ungrouped":[...],"companions":[{"file","of"}],"errors":[{"file","message"}]}
                        (companions: a JPEG beside its RAW, and the file that stands for the shot)
        --recursive     descend into sub-folders

merge   Merges the frames of one bracket (camera RAW, JPEG, PNG, TIFF 8/16/32-bit, EXR).
        --method NAME            learned (default: the fusion CNN, resources/models/fusion.onnx;
                                 exposure fusion, with a warning, where the model file is missing) |
                                 mertens (exposure fusion) | radiance (HDR merge)
        --exposure-times LIST    seconds per frame in the given order, e.g. 1/250,1/60,1/15
                                 (overrides EXIF; still checked against the pixels)
        --exposures-from-pixels  estimate missing exposures from the pixels instead of failing
        --align MODE             similarity (default: shift, rotation, scale) | translation | off;
                                 frames are moved onto the reference frame, never made worse
        --deghost MODE           off (default) | auto: where things moved between frames, take
                                 the reference frame's content
        --ghost-detector NAME    judge (default: the judge network, resources/models/judge.onnx)
                                 | classical (each frame against the reference through the
                                 exposure mapping learnt from the pixels; the baseline)
        --reference N            the frame deghosting keeps (1 = first file given; default the
                                 frame with the most well-exposed pixels)
        --synthesize SIDE        dark | bright: add a frame 2 stops beyond the darkest (or
                                 brightest) one, made from its HDR estimate by the correction
                                 networks: clipped highlights (or deep shadows) get estimated
                                 content instead of none; marked 'synthetic' in the report
        --ghost-mask FILE        write the deghosting mask as 8-bit grey PNG at the input size,
                                 white = taken from the reference (implies --deghost auto)
        --exr FILE               scene-referred linear radiance, half float, ZIP compressed
                                 (needs exposures: from EXIF, --exposure-times or pixels)
        --exr-float              write 32-bit float EXR instead of half
        --exr-compression NAME   zip (default) | piz | zips | none
        --hdr FILE               the radiance map as Radiance RGBE (.hdr)
        --jpeg FILE              display image: the fused image (mertens) or the tone-mapped
                                 radiance (radiance), with the reference frame's EXIF and
                                 an ICC profile of its colour space
        --png FILE               the same display image as 8-bit PNG
        --tiff FILE              the same display image as 16-bit RGB TIFF (Deflate, ICC
                                 profile and EXIF like the JPEG), for further editing
        --tonemap NAME           tone operator of a radiance merge's display image:
                                 local-contrast (default) | reinhard | reinhard-local | drago |
                                 filmic (a fused image keeps its tones; the controls still apply)
        --exposure STOPS         exposure compensation -5..5 (default 0)
        --contrast N, --highlights N, --shadows N, --whites N, --blacks N,
        --saturation N, --vibrance N, --detail N
                                 tone controls, each -1..1, 0 = neutral (default)
        --colorspace NAME        srgb (default) | display-p3: colour space of the JPEG/PNG/TIFF
                                 (frames in Adobe RGB or P3: srgb keeps their space and profile,
                                 display-p3 converts them into P3)
        --quality N              JPEG quality 1-100 (default 92)
        --json                   print a JSON report (exposures used, consistency, timings)

batch   Finds the brackets (as group) and merges each into DIR, one after another, as
        <first file>-hdr.<ext>; single shots are listed, not merged. Takes merge's options
        except those naming one bracket's files (--exposure-times, --reference, --ghost-mask,
        --exr/--jpeg/--png/--hdr/--tiff). A failed bracket is reported and the batch goes on (exit 1
        at the end). Ctrl+C stops before the next bracket (exit 130): every output is written
        atomically, so DIR holds only whole files, and running the batch again resumes.
        --out DIR               the output folder (must exist)
        --formats LIST          jpeg (default), exr, png, hdr, tiff, comma-separated
        --overwrite             redo brackets whose outputs exist (default: skip them)
        --recursive             descend into sub-folders
        --json                  print {"brackets":[{"files","status","outputs","message",
                                "millis","rssMB"}],"ungrouped","errors","cancelled","millis"}

correct Corrects one under- or over-exposed frame (single-image HDR, DRHT): a well-exposed
        display image (scene median at 18% grey, clipped highlights reconstructed) and an HDR
        estimate of the scene (linear, median 0.18).
        --method NAME            learned (default: the two DRHT networks, resources/models/
                                 correct-hdr.onnx and correct-ldr.onnx) | classical (exposure
                                 from the pixels, highlights from a log-normal scene model)
        --png FILE, --jpeg FILE  the corrected frame, 8-bit, with the frame's ICC profile (sRGB's if none)
        --exr FILE, --hdr FILE   the HDR estimate (--exr-float, --exr-compression as for merge)
        --quality N, --json      as for merge

Exit status: 0 success; 1 bad input (one line 'luxfuse: ...' on stderr); 2 usage error.
Outputs are written to a temporary file and renamed: never half-written. Inputs are never written.
`;
