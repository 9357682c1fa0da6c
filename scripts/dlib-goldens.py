#!/usr/bin/env python3
"""Golden outputs of real dlib for the FaceAnalysis fidelity tests.

Runs the pinned dlib-bin 20.0.1 wheel with face_recognition's CNN pipeline semantics:
  dets = cnn_face_detection_model_v1(mmod_human_face_detector.dat)(img, upsample)
  shape = shape_predictor(shape_predictor_5_face_landmarks.dat)(img, det.rect)   (raw, untrimmed rect)
  desc = face_recognition_model_v1(resnet).compute_face_descriptor(img, shape, 1, 0.25)
on the face_recognition 1.3.0 test images and on images DERIVED from them with integer-only
numpy operations that FaceAnalysisTests reproduces bit-exactly from the same decoded pixels:
  scale k:    img[::k, ::k]                (nearest-neighbour decimation)
  mirror:     img[:, ::-1]
  collage:    grey (128) canvas, scaled images pasted at fixed offsets (clipped)

Decoding: dlib-bin decodes JPEG with its own bundled libjpeg, which differs from libjpeg-turbo
in ~1e-5 of the pixels by +-1. So both sides get libjpeg-turbo's decode: this script feeds dlib
`djpeg -ppm` output (libjpeg-turbo-progs, default ISLOW/fancy upsampling, same as MediaMetadata's
decoder) and records the SHA-256 of every decoded RGB buffer; the Swift test checks its own
decode against it first.

Regenerate (takes a few minutes; needs `pip install dlib-bin==20.0.1` and djpeg):
    python3 scripts/dlib-goldens.py > Tests/FaceAnalysisTests/Fixtures/dlib-goldens.json
Models from $XDG_CACHE_HOME/exposure/models (else ~/.cache/exposure/models), images from
.../exposure/testdata/face_recognition-1.3.0 (scripts/setup).
"""
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import dlib

assert dlib.__version__ == "20.0.1", "pin: pip install dlib-bin==20.0.1 (found %s)" % dlib.__version__

CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "exposure")
MODELS = os.path.join(CACHE, "models")
IMAGES = os.path.join(CACHE, "testdata", "face_recognition-1.3.0")


def decode(name):
    out = subprocess.run(["djpeg", "-ppm", os.path.join(IMAGES, name)], capture_output=True, check=True).stdout
    magic, w, h, maxval, data = out.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    w, h = int(w), int(h)
    return np.frombuffer(data, np.uint8, count=w * h * 3).reshape(h, w, 3)


def derive(sources, recipe):
    """Apply a recipe (also interpreted by FaceAnalysisTests/DlibGoldenTests.swift)."""
    kind = recipe["kind"]
    if kind == "original":
        return sources[recipe["source"]]
    if kind == "scaled":
        return np.ascontiguousarray(sources[recipe["source"]][::recipe["factor"], ::recipe["factor"]])
    if kind == "mirrored":
        s = sources[recipe["source"]][::recipe["factor"], ::recipe["factor"]]
        return np.ascontiguousarray(s[:, ::-1])
    if kind == "collage":
        canvas = np.full((recipe["height"], recipe["width"], 3), recipe["fill"], np.uint8)
        for p in recipe["pieces"]:
            img = sources[p["source"]][::p["factor"], ::p["factor"]]
            x, y = p["x"], p["y"]
            h = min(img.shape[0], recipe["height"] - y)
            w = min(img.shape[1], recipe["width"] - x)
            canvas[y:y + h, x:x + w] = img[:h, :w]
        return canvas
    raise ValueError(kind)


CASES = [
    # full-size photos (the detector at upsample 0; descriptors of the big faces)
    ("obama", {"kind": "original", "source": "obama.jpg"}, [0, 1]),
    ("obama2", {"kind": "original", "source": "obama2.jpg"}, [0]),
    ("obama3", {"kind": "original", "source": "obama3.jpg"}, [0]),
    ("biden", {"kind": "original", "source": "biden.jpg"}, [0]),
    ("obama_partial_face", {"kind": "original", "source": "obama_partial_face.jpg"}, [0]),
    ("obama_partial_face2", {"kind": "original", "source": "obama_partial_face2.jpg"}, [0]),
    # small derived images (cheap enough for the unit tests at both upsample levels)
    ("obama/3", {"kind": "scaled", "source": "obama.jpg", "factor": 3}, [0, 1]),
    ("obama/5", {"kind": "scaled", "source": "obama.jpg", "factor": 5}, [0, 1]),
    ("biden/6", {"kind": "scaled", "source": "biden.jpg", "factor": 6}, [0, 1]),
    ("obama2/3", {"kind": "scaled", "source": "obama2.jpg", "factor": 3}, [0, 1]),
    ("obama3/7", {"kind": "scaled", "source": "obama3.jpg", "factor": 7}, [0, 1]),
    ("mirror(obama/4)", {"kind": "mirrored", "source": "obama.jpg", "factor": 4}, [0, 1]),
    ("partial/3", {"kind": "scaled", "source": "obama_partial_face2.jpg", "factor": 3}, [0, 1]),
    ("collage", {"kind": "collage", "width": 640, "height": 400, "fill": 128, "pieces": [
        {"source": "obama.jpg", "factor": 6, "x": 4, "y": 10},
        {"source": "biden.jpg", "factor": 9, "x": 160, "y": 0},
        {"source": "obama2.jpg", "factor": 5, "x": 280, "y": 20},
        {"source": "obama3.jpg", "factor": 10, "x": 420, "y": 30},
    ]}, [0, 1]),
]


def main():
    detector = dlib.cnn_face_detection_model_v1(os.path.join(MODELS, "mmod_human_face_detector.dat"))
    predictor = dlib.shape_predictor(os.path.join(MODELS, "shape_predictor_5_face_landmarks.dat"))
    encoder = dlib.face_recognition_model_v1(os.path.join(MODELS, "dlib_face_recognition_resnet_model_v1.dat"))
    names = sorted({c[1].get("source") for c in CASES if "source" in c[1]} |
                   {p["source"] for c in CASES if c[1]["kind"] == "collage" for p in c[1]["pieces"]})
    sources = {n: decode(n) for n in names}
    out = {
        "generator": "scripts/dlib-goldens.py",
        "dlib": dlib.__version__,
        "decodedSHA256": {n: hashlib.sha256(sources[n].tobytes()).hexdigest() for n in names},
        "cases": [],
    }
    for name, recipe, upsamples in CASES:
        img = derive(sources, recipe)
        for up in upsamples:
            print("%s upsample %d (%dx%d)" % (name, up, img.shape[1], img.shape[0]), file=sys.stderr)
            faces = []
            for d in detector(img, up):
                r = d.rect
                shape = predictor(img, r)
                desc = encoder.compute_face_descriptor(img, shape, 1, 0.25)
                faces.append({
                    "box": [r.left(), r.top(), r.right(), r.bottom()],
                    "confidence": round(float(d.confidence), 7),
                    "landmarks": [[shape.part(i).x, shape.part(i).y] for i in range(shape.num_parts)],
                    "descriptor": [float("%.8g" % v) for v in desc],
                })
            out["cases"].append({"name": name, "recipe": recipe, "upsample": up,
                                 "width": int(img.shape[1]), "height": int(img.shape[0]),
                                 "sha256": hashlib.sha256(img.tobytes()).hexdigest(), "faces": faces})
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
