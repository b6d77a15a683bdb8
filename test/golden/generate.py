#!/usr/bin/env python3
"""Golden values for LossLens' loss evaluator, computed by real PyTorch.

Run with Debian's PyTorch (apt-get install -y python3-torch python3-torchvision):

    /usr/bin/python3 test/golden/generate.py

Writes test/golden/losses.json (every loss, its options and error cases, float64),
test/golden/printing.json (how PyTorch prints tensors) and test/golden/literals.json (tensor
literals as torch and NumPy read them). The tests read these files, so they run
without PyTorch. Keras has no Debian package; its three cross entropies are computed here from
Keras 3's formulas (clip to [1e-7, 1 - 1e-7], renormalise, from_logits) in float64 NumPy and marked
as such. Deterministic: the same PyTorch gives the same files.
"""
import json
import math
import os
import random
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

try:
    from torchvision.ops import sigmoid_focal_loss
except ImportError:  # torchvision is optional; its cases are then skipped.
    sigmoid_focal_loss = None

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(20261129)
rng = np.random.default_rng(20261129)


def encode(value):
    """JSON-safe nested lists: non-finite numbers as the strings "nan", "inf", "-inf"."""
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    return value


DTYPES = {torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}
RESULT_DTYPES = {**DTYPES, torch.float32: "float32"}


def in_float64(compute, out32):
    """compute() again with float64 as the default dtype; it must agree with the default result."""
    torch.set_default_dtype(torch.float64)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = compute()
    finally:
        torch.set_default_dtype(torch.float32)
    assert out.dtype == (torch.float64 if out32.dtype == torch.float32 else out32.dtype) and out.shape == out32.shape, (out, out32)
    if not torch.allclose(out.double(), out32.double(), rtol=1e-5, atol=1e-6, equal_nan=True):
        raise Unsettled(f"{out} with a float64 default, {out32} without")
    return out


class Unsettled(Exception):
    """Torch gives different values each run (an integer kernel on an empty input reads uninitialised memory)."""


def tensor_json(t):
    return {"data": encode(t.tolist()), "dtype": DTYPES[t.dtype], "shape": list(t.shape)}


def randn(*shape):
    return torch.randn(shape, dtype=torch.float64)


def rand(*shape):
    return torch.rand(shape, dtype=torch.float64)


def randint(high, *shape, low=0):
    return torch.randint(low, high, shape, dtype=torch.int64)


cases = []


def case(name, loss, fn, args, kwargs=None, source="torch", into=cases):
    """Runs fn(**args, **kwargs) and records its value, warnings, or error."""
    kwargs = kwargs or {}
    record = {
        "name": name,
        "loss": loss,
        "source": source,
        "args": {k: tensor_json(v) for k, v in args.items()},
        "kwargs": {k: tensor_json(v) if isinstance(v, torch.Tensor) else encode(v) for k, v in kwargs.items()},
    }
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn(**args, **kwargs)
        dtype = RESULT_DTYPES[out.dtype]
        tensors = [*args.values(), *(v for v in kwargs.values() if isinstance(v, torch.Tensor))]
        if any(t.dtype != torch.float64 for t in tensors):
            # Integer or bool tensors meet float ones in the default dtype (float32): the value is
            # recorded as torch computes it with a float64 default, as LossLens computes (the
            # dtype and any error as torch 1.13 gives them by default).
            out = in_float64(lambda: fn(**args, **kwargs), out)
        record["expected"] = {"value": encode(out.tolist()), "shape": list(out.shape), "dtype": dtype}
        messages = [str(w.message) for w in caught if "loss" in str(w.message).lower() or "size" in str(w.message).lower() or "reduction" in str(w.message)]
        if messages:
            record["expected"]["warnings"] = messages
    except Unsettled:
        if into is cases:
            raise
        return
    except (RuntimeError, ValueError, IndexError) as error:
        record["expected"] = {"error": {"type": type(error).__name__, "message": str(error).split("\n")[0]}}
    into.append(record)


REDUCTIONS = ["mean", "sum", "none"]

# ---------------------------------------------------------------- cross_entropy
for shape in [(5,), (4, 5), (3, 4, 2), (2, 3, 2, 2), (1, 1), (6, 3)]:
    classes = shape[0] if len(shape) == 1 else shape[1]
    target_shape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    for reduction in REDUCTIONS:
        x = randn(*shape) * 3
        y = randint(classes, *target_shape)
        case(f"cross_entropy indices {shape} {reduction}", "cross_entropy", F.cross_entropy, {"input": x, "target": y}, {"reduction": reduction})
        w = rand(classes) + 0.1
        case(f"cross_entropy weight {shape} {reduction}", "cross_entropy", F.cross_entropy, {"input": x, "target": y}, {"reduction": reduction, "weight": w})
        for smoothing in [0.1, 0.5]:
            case(f"cross_entropy label_smoothing={smoothing} {shape} {reduction}", "cross_entropy", F.cross_entropy, {"input": x, "target": y}, {"reduction": reduction, "label_smoothing": smoothing})
            case(f"cross_entropy weight+label_smoothing={smoothing} {shape} {reduction}", "cross_entropy", F.cross_entropy, {"input": x, "target": y}, {"reduction": reduction, "label_smoothing": smoothing, "weight": w})
        if len(target_shape) > 0 and y.numel() > 1:
            y_ignored = y.clone()
            y_ignored.view(-1)[0] = -100
            case(f"cross_entropy ignore_index {shape} {reduction}", "cross_entropy", F.cross_entropy, {"input": x, "target": y_ignored}, {"reduction": reduction})
            case(f"cross_entropy ignore_index+weight+smoothing {shape} {reduction}", "cross_entropy", F.cross_entropy, {"input": x, "target": y_ignored}, {"reduction": reduction, "weight": w, "label_smoothing": 0.2})
            # The smoothing term averages over the positions not ignored (K-dim inputs too).
            case(f"cross_entropy ignore_index+smoothing {shape} {reduction}", "cross_entropy", F.cross_entropy, {"input": x, "target": y_ignored}, {"reduction": reduction, "label_smoothing": 0.2})
            y_custom = y.clone()
            y_custom.view(-1)[-1] = 1
            case(f"cross_entropy ignore_index=1 {shape} {reduction}", "cross_entropy", F.cross_entropy, {"input": x, "target": y_custom}, {"reduction": reduction, "ignore_index": 1})
            case(f"cross_entropy ignore_index=1+smoothing {shape} {reduction}", "cross_entropy", F.cross_entropy, {"input": x, "target": y_custom}, {"reduction": reduction, "ignore_index": 1, "label_smoothing": 0.3})
        probs = torch.softmax(randn(*shape), dim=0 if len(shape) == 1 else 1)
        case(f"cross_entropy probabilities {shape} {reduction}", "cross_entropy", F.cross_entropy, {"input": x, "target": probs}, {"reduction": reduction})
        case(f"cross_entropy probabilities+weight+smoothing {shape} {reduction}", "cross_entropy", F.cross_entropy, {"input": x, "target": probs}, {"reduction": reduction, "weight": w, "label_smoothing": 0.3})
x = randn(3, 4)
case("cross_entropy all ignored", "cross_entropy", F.cross_entropy, {"input": x, "target": torch.full((3,), -100, dtype=torch.int64)})
case("cross_entropy all ignored with smoothing", "cross_entropy", F.cross_entropy, {"input": x, "target": torch.full((3,), -100, dtype=torch.int64)}, {"label_smoothing": 0.1})
case("cross_entropy extreme logits", "cross_entropy", F.cross_entropy, {"input": torch.tensor([[1000.0, -1000.0, 0.0], [-50.0, 50.0, 49.0]], dtype=torch.float64), "target": torch.tensor([1, 2])}, {"reduction": "none"})
case("cross_entropy error target out of bounds", "cross_entropy", F.cross_entropy, {"input": x, "target": torch.tensor([0, 5, 1])})
case("cross_entropy error negative target", "cross_entropy", F.cross_entropy, {"input": x, "target": torch.tensor([0, -1, 1])})
case("cross_entropy error batch mismatch", "cross_entropy", F.cross_entropy, {"input": x, "target": torch.tensor([0, 1])})
case("cross_entropy error float indices", "cross_entropy", F.cross_entropy, {"input": x, "target": torch.tensor([0.0, 1.0, 2.0], dtype=torch.float64)})
case("cross_entropy error integer probabilities", "cross_entropy", F.cross_entropy, {"input": x, "target": torch.zeros(3, 4, dtype=torch.int64)})
case("cross_entropy error weight size", "cross_entropy", F.cross_entropy, {"input": x, "target": torch.tensor([0, 1, 2])}, {"weight": rand(3)})
case("cross_entropy error label_smoothing", "cross_entropy", F.cross_entropy, {"input": x, "target": torch.tensor([0, 1, 2])}, {"label_smoothing": 1.5})
case("cross_entropy error reduction", "cross_entropy", F.cross_entropy, {"input": x, "target": torch.tensor([0, 1, 2])}, {"reduction": "avg"})
case("cross_entropy error spatial target shape", "cross_entropy", F.cross_entropy, {"input": randn(2, 3, 4), "target": randint(3, 2, 5)})
case("cross_entropy error channel dim in target", "cross_entropy", F.cross_entropy, {"input": randn(4, 3), "target": randint(3, 4, 1)})

# ---------------------------------------------------------------- nll_loss
for shape in [(5,), (4, 5), (3, 4, 2), (2, 3, 2, 2)]:
    classes = shape[0] if len(shape) == 1 else shape[1]
    target_shape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    for reduction in REDUCTIONS:
        x = torch.log_softmax(randn(*shape), dim=0 if len(shape) == 1 else 1)
        y = randint(classes, *target_shape)
        case(f"nll_loss {shape} {reduction}", "nll_loss", F.nll_loss, {"input": x, "target": y}, {"reduction": reduction})
        case(f"nll_loss weight {shape} {reduction}", "nll_loss", F.nll_loss, {"input": x, "target": y}, {"reduction": reduction, "weight": rand(classes) + 0.1})
        if y.numel() > 1:
            y2 = y.clone()
            y2.view(-1)[0] = -100
            case(f"nll_loss ignore_index {shape} {reduction}", "nll_loss", F.nll_loss, {"input": x, "target": y2}, {"reduction": reduction, "weight": rand(classes) + 0.1})
case("nll_loss all ignored", "nll_loss", F.nll_loss, {"input": randn(2, 3), "target": torch.tensor([-100, -100])})
case("nll_loss error out of bounds", "nll_loss", F.nll_loss, {"input": randn(2, 3), "target": torch.tensor([3, 0])})
case("nll_loss error float target", "nll_loss", F.nll_loss, {"input": randn(2, 3), "target": torch.tensor([1.0, 0.0], dtype=torch.float64)})

# ---------------------------------------------------------------- binary_cross_entropy (+ with logits)
for shape in [(), (5,), (3, 4), (2, 3, 2)]:
    for reduction in REDUCTIONS:
        p = rand(*shape)
        y = (rand(*shape) > 0.5).double()
        case(f"binary_cross_entropy {shape} {reduction}", "binary_cross_entropy", F.binary_cross_entropy, {"input": p, "target": y}, {"reduction": reduction})
        case(f"binary_cross_entropy soft targets {shape} {reduction}", "binary_cross_entropy", F.binary_cross_entropy, {"input": p, "target": rand(*shape)}, {"reduction": reduction})
        if len(shape) > 0:
            case(f"binary_cross_entropy weight {shape} {reduction}", "binary_cross_entropy", F.binary_cross_entropy, {"input": p, "target": y}, {"reduction": reduction, "weight": rand(shape[-1])})
        x = randn(*shape) * 4
        case(f"bce_with_logits {shape} {reduction}", "binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, {"input": x, "target": y}, {"reduction": reduction})
        if len(shape) > 0:
            case(f"bce_with_logits pos_weight {shape} {reduction}", "binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, {"input": x, "target": y}, {"reduction": reduction, "pos_weight": rand(shape[-1]) * 3})
            case(f"bce_with_logits weight+pos_weight {shape} {reduction}", "binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, {"input": x, "target": rand(*shape)}, {"reduction": reduction, "weight": rand(shape[-1]), "pos_weight": rand(shape[-1]) * 3})
edge = torch.tensor([0.0, 1.0, 1e-20, 1 - 1e-12, 0.5], dtype=torch.float64)
case("binary_cross_entropy clamps logs at -100", "binary_cross_entropy", F.binary_cross_entropy, {"input": edge, "target": torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0], dtype=torch.float64)}, {"reduction": "none"})
case("binary_cross_entropy confident mistakes", "binary_cross_entropy", F.binary_cross_entropy, {"input": edge, "target": torch.tensor([0.0, 1.0, 1.0, 0.0, 0.0], dtype=torch.float64)}, {"reduction": "none"})
case("binary_cross_entropy error input above 1", "binary_cross_entropy", F.binary_cross_entropy, {"input": torch.tensor([0.5, 1.5], dtype=torch.float64), "target": torch.tensor([0.0, 1.0], dtype=torch.float64)})
case("binary_cross_entropy error nan input", "binary_cross_entropy", F.binary_cross_entropy, {"input": torch.tensor([0.5, float("nan")], dtype=torch.float64), "target": torch.tensor([0.0, 1.0], dtype=torch.float64)})
case("binary_cross_entropy error target above 1", "binary_cross_entropy", F.binary_cross_entropy, {"input": torch.tensor([0.5, 0.2], dtype=torch.float64), "target": torch.tensor([0.0, 2.0], dtype=torch.float64)})
case("binary_cross_entropy error (N,1) vs (N,)", "binary_cross_entropy", F.binary_cross_entropy, {"input": rand(3, 1), "target": rand(3)})
case("bce_with_logits extreme", "binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, {"input": torch.tensor([-800.0, 800.0, -30.0, 30.0, 0.0], dtype=torch.float64), "target": torch.tensor([1.0, 0.0, 0.0, 1.0, 0.5], dtype=torch.float64)}, {"reduction": "none"})
case("bce_with_logits error (N,1) vs (N,)", "binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, {"input": randn(3, 1), "target": rand(3)})

# ---------------------------------------------------------------- regression losses
for loss, fn, extra in [
    ("mse_loss", F.mse_loss, [{}]),
    ("l1_loss", F.l1_loss, [{}]),
    ("smooth_l1_loss", F.smooth_l1_loss, [{}, {"beta": 0.5}, {"beta": 0.0}, {"beta": 2.5}]),
    ("huber_loss", F.huber_loss, [{}, {"delta": 0.5}, {"delta": 3.0}]),
]:
    for shape in [(), (6,), (3, 4), (2, 2, 3)]:
        for reduction in REDUCTIONS:
            for options in extra:
                x = randn(*shape) * 2
                y = randn(*shape) * 2
                case(f"{loss} {shape} {reduction} {options}", loss, fn, {"input": x, "target": y}, {"reduction": reduction, **options})
    for reduction in REDUCTIONS:
        case(f"{loss} broadcast (N,1) vs (N,) {reduction}", loss, fn, {"input": randn(4, 1), "target": randn(4)}, {"reduction": reduction})
    case(f"{loss} error not broadcastable", loss, fn, {"input": randn(3, 2), "target": randn(4)})
case("smooth_l1_loss error negative beta", "smooth_l1_loss", F.smooth_l1_loss, {"input": randn(3), "target": randn(3)}, {"beta": -1.0})
case("huber_loss error zero delta", "huber_loss", F.huber_loss, {"input": randn(3), "target": randn(3)}, {"delta": 0.0})

# ---------------------------------------------------------------- kl_div
for shape in [(5,), (3, 4), (2, 3, 4)]:
    for reduction in ["mean", "batchmean", "sum", "none"]:
        x = torch.log_softmax(randn(*shape), dim=-1)
        y = torch.softmax(randn(*shape), dim=-1)
        case(f"kl_div {shape} {reduction}", "kl_div", F.kl_div, {"input": x, "target": y}, {"reduction": reduction})
        case(f"kl_div log_target {shape} {reduction}", "kl_div", F.kl_div, {"input": x, "target": torch.log(y)}, {"reduction": reduction, "log_target": True})
y0 = torch.tensor([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]], dtype=torch.float64)
case("kl_div zero target entries", "kl_div", F.kl_div, {"input": torch.log_softmax(randn(2, 3), 1), "target": y0}, {"reduction": "none"})

# ---------------------------------------------------------------- poisson / gaussian nll
for shape in [(5,), (3, 4)]:
    for reduction in REDUCTIONS:
        counts = torch.poisson(rand(*shape) * 5)
        case(f"poisson_nll_loss {shape} {reduction}", "poisson_nll_loss", F.poisson_nll_loss, {"input": randn(*shape), "target": counts}, {"reduction": reduction})
        case(f"poisson_nll_loss full {shape} {reduction}", "poisson_nll_loss", F.poisson_nll_loss, {"input": randn(*shape), "target": counts}, {"reduction": reduction, "full": True})
        case(f"poisson_nll_loss rates {shape} {reduction}", "poisson_nll_loss", F.poisson_nll_loss, {"input": rand(*shape) * 4, "target": counts}, {"reduction": reduction, "log_input": False, "eps": 1e-6})
        case(f"poisson_nll_loss rates full {shape} {reduction}", "poisson_nll_loss", F.poisson_nll_loss, {"input": rand(*shape) * 4, "target": counts}, {"reduction": reduction, "log_input": False, "full": True})
for reduction in REDUCTIONS:
    x, y = randn(4, 3), randn(4, 3)
    case(f"gaussian_nll_loss heteroscedastic {reduction}", "gaussian_nll_loss", F.gaussian_nll_loss, {"input": x, "target": y, "var": rand(4, 3) + 0.05}, {"reduction": reduction})
    case(f"gaussian_nll_loss var (N,) {reduction}", "gaussian_nll_loss", F.gaussian_nll_loss, {"input": x, "target": y, "var": rand(4) + 0.05}, {"reduction": reduction})
    case(f"gaussian_nll_loss var (N,1) full {reduction}", "gaussian_nll_loss", F.gaussian_nll_loss, {"input": x, "target": y, "var": rand(4, 1) + 0.05}, {"reduction": reduction, "full": True})
    case(f"gaussian_nll_loss tiny var eps {reduction}", "gaussian_nll_loss", F.gaussian_nll_loss, {"input": x, "target": y, "var": torch.zeros(4, 3, dtype=torch.float64)}, {"reduction": reduction, "eps": 1e-3})
case("gaussian_nll_loss error var size", "gaussian_nll_loss", F.gaussian_nll_loss, {"input": randn(4, 3), "target": randn(4, 3), "var": rand(3)})
case("gaussian_nll_loss error negative var", "gaussian_nll_loss", F.gaussian_nll_loss, {"input": randn(4, 3), "target": randn(4, 3), "var": -rand(4, 3)})

# ---------------------------------------------------------------- margin losses
signs = lambda *shape: torch.where(rand(*shape) > 0.5, 1.0, -1.0).double()
for reduction in REDUCTIONS:
    for shape in [(6,), (3, 4)]:
        case(f"hinge_embedding_loss {shape} {reduction}", "hinge_embedding_loss", F.hinge_embedding_loss, {"input": rand(*shape) * 2, "target": signs(*shape)}, {"reduction": reduction})
        case(f"hinge_embedding_loss margin=0.5 {shape} {reduction}", "hinge_embedding_loss", F.hinge_embedding_loss, {"input": rand(*shape) * 2, "target": signs(*shape)}, {"reduction": reduction, "margin": 0.5})
        case(f"soft_margin_loss {shape} {reduction}", "soft_margin_loss", F.soft_margin_loss, {"input": randn(*shape) * 3, "target": signs(*shape)}, {"reduction": reduction})
        case(f"multilabel_soft_margin_loss {shape} {reduction}", "multilabel_soft_margin_loss", F.multilabel_soft_margin_loss, {"input": randn(*shape) * 3, "target": (rand(*shape) > 0.5).double()}, {"reduction": reduction})
        case(f"multilabel_soft_margin_loss weight {shape} {reduction}", "multilabel_soft_margin_loss", F.multilabel_soft_margin_loss, {"input": randn(*shape) * 3, "target": (rand(*shape) > 0.5).double()}, {"reduction": reduction, "weight": rand(shape[-1])})
    for p in [1, 2]:
        x = randn(4, 5)
        y = randint(5, 4)
        case(f"multi_margin_loss p={p} {reduction}", "multi_margin_loss", F.multi_margin_loss, {"input": x, "target": y}, {"reduction": reduction, "p": p})
        case(f"multi_margin_loss p={p} margin=0.3 weight {reduction}", "multi_margin_loss", F.multi_margin_loss, {"input": x, "target": y}, {"reduction": reduction, "p": p, "margin": 0.3, "weight": rand(5)})
    case(f"multi_margin_loss unbatched {reduction}", "multi_margin_loss", F.multi_margin_loss, {"input": randn(5), "target": torch.tensor(2)}, {"reduction": reduction})
    ml_target = torch.tensor([[3, 0, -1, 1], [0, 1, 2, 3], [-1, 2, 0, 0]])
    case(f"multilabel_margin_loss {reduction}", "multilabel_margin_loss", F.multilabel_margin_loss, {"input": randn(3, 4), "target": ml_target}, {"reduction": reduction})
    case(f"multilabel_margin_loss unbatched {reduction}", "multilabel_margin_loss", F.multilabel_margin_loss, {"input": randn(4), "target": torch.tensor([3, 0, -1, 1])}, {"reduction": reduction})
    for shape in [(5,), ()]:
        case(f"margin_ranking_loss {shape} {reduction}", "margin_ranking_loss", F.margin_ranking_loss, {"input1": randn(*shape), "input2": randn(*shape), "target": signs(*shape)}, {"reduction": reduction})
        case(f"margin_ranking_loss margin=0.5 {shape} {reduction}", "margin_ranking_loss", F.margin_ranking_loss, {"input1": randn(*shape), "input2": randn(*shape), "target": signs(*shape)}, {"reduction": reduction, "margin": 0.5})
    case(f"cosine_embedding_loss {reduction}", "cosine_embedding_loss", F.cosine_embedding_loss, {"input1": randn(5, 3), "input2": randn(5, 3), "target": signs(5)}, {"reduction": reduction})
    case(f"cosine_embedding_loss margin {reduction}", "cosine_embedding_loss", F.cosine_embedding_loss, {"input1": randn(5, 3), "input2": randn(5, 3), "target": signs(5)}, {"reduction": reduction, "margin": -0.2})
    case(f"cosine_embedding_loss unbatched {reduction}", "cosine_embedding_loss", F.cosine_embedding_loss, {"input1": randn(3), "input2": randn(3), "target": torch.tensor(1.0, dtype=torch.float64)}, {"reduction": reduction})
    for options in [{}, {"margin": 0.5, "p": 1.0}, {"swap": True}, {"p": 3.0, "eps": 1e-3}, {"p": float("inf")}]:
        case(f"triplet_margin_loss {options} {reduction}", "triplet_margin_loss", F.triplet_margin_loss, {"anchor": randn(4, 3), "positive": randn(4, 3), "negative": randn(4, 3)}, {"reduction": reduction, **options})
    case(f"triplet_margin_loss unbatched {reduction}", "triplet_margin_loss", F.triplet_margin_loss, {"anchor": randn(3), "positive": randn(3), "negative": randn(3)}, {"reduction": reduction})
case("multi_margin_loss error p=3", "multi_margin_loss", F.multi_margin_loss, {"input": randn(2, 3), "target": torch.tensor([0, 1])}, {"p": 3})
case("multi_margin_loss error target out of range", "multi_margin_loss", F.multi_margin_loss, {"input": randn(2, 3), "target": torch.tensor([0, 3])})
case("margin_ranking_loss error dims", "margin_ranking_loss", F.margin_ranking_loss, {"input1": randn(3), "input2": randn(3), "target": signs(3, 1)})
case("cosine_embedding_loss error dims", "cosine_embedding_loss", F.cosine_embedding_loss, {"input1": randn(3), "input2": randn(3), "target": signs(3)})
case("triplet_margin_loss error dims", "triplet_margin_loss", F.triplet_margin_loss, {"anchor": randn(3), "positive": randn(2, 3), "negative": randn(2, 3)})

# ---------------------------------------------------------------- ctc_loss
for reduction in REDUCTIONS:
    T, N, C, S = 12, 3, 5, 4
    log_probs = torch.log_softmax(randn(T, N, C), 2)
    targets = randint(C, N, S, low=1)
    case(f"ctc_loss padded {reduction}", "ctc_loss", F.ctc_loss, {"log_probs": log_probs, "targets": targets, "input_lengths": torch.tensor([12, 10, 7]), "target_lengths": torch.tensor([4, 3, 2])}, {"reduction": reduction})
    case(f"ctc_loss concatenated {reduction}", "ctc_loss", F.ctc_loss, {"log_probs": log_probs, "targets": torch.tensor([1, 2, 2, 3, 4, 1, 3, 3, 2]), "input_lengths": torch.tensor([12, 12, 9]), "target_lengths": torch.tensor([4, 2, 3])}, {"reduction": reduction})
    case(f"ctc_loss blank=4 {reduction}", "ctc_loss", F.ctc_loss, {"log_probs": log_probs, "targets": randint(4, N, S), "input_lengths": torch.tensor([12, 11, 12]), "target_lengths": torch.tensor([4, 4, 1])}, {"reduction": reduction, "blank": 4})
    case(f"ctc_loss impossible {reduction}", "ctc_loss", F.ctc_loss, {"log_probs": log_probs, "targets": torch.tensor([[1, 1, 1, 1], [2, 3, 2, 3], [1, 2, 3, 4]]), "input_lengths": torch.tensor([3, 12, 12]), "target_lengths": torch.tensor([4, 4, 0])}, {"reduction": reduction})
    case(f"ctc_loss impossible zero_infinity {reduction}", "ctc_loss", F.ctc_loss, {"log_probs": log_probs, "targets": torch.tensor([[1, 1, 1, 1], [2, 3, 2, 3], [1, 2, 3, 4]]), "input_lengths": torch.tensor([3, 12, 12]), "target_lengths": torch.tensor([4, 4, 0])}, {"reduction": reduction, "zero_infinity": True})
    case(f"ctc_loss unbatched {reduction}", "ctc_loss", F.ctc_loss, {"log_probs": torch.log_softmax(randn(8, 4), 1), "targets": torch.tensor([1, 3, 3]), "input_lengths": torch.tensor(8), "target_lengths": torch.tensor(3)}, {"reduction": reduction})
case("ctc_loss error input length", "ctc_loss", F.ctc_loss, {"log_probs": torch.log_softmax(randn(5, 1, 3), 2), "targets": torch.tensor([[1, 2]]), "input_lengths": torch.tensor([6]), "target_lengths": torch.tensor([2])})
case("ctc_loss error target width", "ctc_loss", F.ctc_loss, {"log_probs": torch.log_softmax(randn(5, 1, 3), 2), "targets": torch.tensor([[1, 2]]), "input_lengths": torch.tensor([5]), "target_lengths": torch.tensor([3])})

# ---------------------------------------------------------------- torchvision sigmoid_focal_loss
if sigmoid_focal_loss is not None:
    for reduction in REDUCTIONS:
        for options in [{}, {"alpha": 0.5, "gamma": 1.0}, {"alpha": -1.0, "gamma": 0.0}, {"gamma": 3.5}]:
            case(f"sigmoid_focal_loss {options} {reduction}", "sigmoid_focal_loss", sigmoid_focal_loss, {"inputs": randn(3, 4) * 3, "targets": (rand(3, 4) > 0.7).double()}, {"reduction": reduction, **options}, source="torchvision")

# ---------------------------------------------------------------- Keras 3 cross entropies (reference formulas)
EPS = 1e-7


def keras_reduce(per_sample, reduction):
    if reduction == "none":
        return per_sample
    total = np.sum(per_sample)
    return total if reduction == "sum" else total / max(per_sample.size, 1)


def keras_binary(y_pred, y_true, from_logits=False, label_smoothing=0.0, reduction="sum_over_batch_size"):
    t = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        x = y_pred
        bce = np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))
    else:
        p = np.clip(y_pred, EPS, 1 - EPS)
        bce = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    return keras_reduce(np.mean(bce, axis=-1), reduction)


def keras_categorical(y_pred, y_true, from_logits=False, label_smoothing=0.0, reduction="sum_over_batch_size"):
    classes = y_pred.shape[-1]
    t = y_true * (1 - label_smoothing) + label_smoothing / classes
    if from_logits:
        logp = y_pred - y_pred.max(axis=-1, keepdims=True)
        logp = logp - np.log(np.sum(np.exp(logp), axis=-1, keepdims=True))
        ce = -np.sum(t * logp, axis=-1)
    else:
        p = np.clip(y_pred / np.sum(y_pred, axis=-1, keepdims=True), EPS, 1 - EPS)
        ce = -np.sum(t * np.log(p), axis=-1)
    return keras_reduce(ce, reduction)


def keras_sparse(y_pred, y_true, from_logits=False, reduction="sum_over_batch_size"):
    logits = y_pred if from_logits else np.log(np.clip(y_pred, EPS, 1 - EPS))
    logp = logits - logits.max(axis=-1, keepdims=True)
    logp = logp - np.log(np.sum(np.exp(logp), axis=-1, keepdims=True))
    labels = y_true.astype(np.int64)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    ce = -np.take_along_axis(logp, labels[..., None], axis=-1)[..., 0]
    return keras_reduce(ce, reduction)


def keras_case(name, loss, fn, y_pred, y_true, kwargs):
    args = {"y_pred": torch.from_numpy(y_pred), "y_true": torch.from_numpy(y_true)}
    case(name, loss, lambda y_pred, y_true, **kw: torch.as_tensor(fn(y_pred.numpy(), y_true.numpy(), **kw)), args, kwargs, source="keras-3-formula")


for reduction in ["sum_over_batch_size", "sum", "none"]:
    probs = rng.random((4, 3))
    probs[0, 0] = 0.0
    labels = (rng.random((4, 3)) > 0.5).astype(np.float64)
    keras_case(f"keras binary_crossentropy {reduction}", "binary_crossentropy", keras_binary, probs, labels, {"reduction": reduction})
    keras_case(f"keras binary_crossentropy smoothing {reduction}", "binary_crossentropy", keras_binary, probs, labels, {"reduction": reduction, "label_smoothing": 0.2})
    keras_case(f"keras binary_crossentropy logits {reduction}", "binary_crossentropy", keras_binary, rng.normal(size=(4, 3)) * 5, labels, {"reduction": reduction, "from_logits": True})
    softmaxish = rng.random((5, 4))
    onehot = np.eye(4)[rng.integers(0, 4, 5)]
    keras_case(f"keras categorical_crossentropy {reduction}", "categorical_crossentropy", keras_categorical, softmaxish, onehot, {"reduction": reduction})
    keras_case(f"keras categorical_crossentropy smoothing {reduction}", "categorical_crossentropy", keras_categorical, softmaxish, onehot, {"reduction": reduction, "label_smoothing": 0.1})
    keras_case(f"keras categorical_crossentropy logits {reduction}", "categorical_crossentropy", keras_categorical, rng.normal(size=(5, 4)) * 3, onehot, {"reduction": reduction, "from_logits": True})
    keras_case(f"keras sparse_categorical_crossentropy {reduction}", "sparse_categorical_crossentropy", keras_sparse, softmaxish, rng.integers(0, 4, 5).astype(np.int64), {"reduction": reduction})
    keras_case(f"keras sparse_categorical_crossentropy (N,1) labels {reduction}", "sparse_categorical_crossentropy", keras_sparse, softmaxish, rng.integers(0, 4, (5, 1)).astype(np.int64), {"reduction": reduction})
    keras_case(f"keras sparse_categorical_crossentropy logits {reduction}", "sparse_categorical_crossentropy", keras_sparse, rng.normal(size=(5, 4)), rng.integers(0, 4, 5).astype(np.int64), {"reduction": reduction, "from_logits": True})

# ---------------------------------------------------------------- K-dimensional inputs, every option
# The losses that take any shape, on 3-D and 4-D inputs with every combination of their options.
import itertools


def options_grid(grid):
    keys = list(grid)
    for values in itertools.product(*(grid[key] for key in keys)):
        yield dict(zip(keys, values))


def kdim(loss, fn, make_args, grid, variant=""):
    for shape in [(2, 3, 4), (2, 3, 2, 4)]:
        for options in options_grid({"reduction": REDUCTIONS, **grid}):
            label = " ".join(f"{k}={'tensor' if isinstance(v, torch.Tensor) else v}" for k, v in options.items() if k != "reduction")
            case(" ".join(part for part in [loss, "K-dim", variant, str(shape), label, options["reduction"]] if part), loss, fn, make_args(shape), options)


pm = lambda *shape: torch.where(rand(*shape) > 0.5, 1.0, -1.0).double()
kdim("mse_loss", F.mse_loss, lambda s: {"input": randn(*s), "target": randn(*s)}, {})
kdim("l1_loss", F.l1_loss, lambda s: {"input": randn(*s), "target": randn(*s)}, {})
kdim("smooth_l1_loss", F.smooth_l1_loss, lambda s: {"input": randn(*s) * 2, "target": randn(*s)}, {"beta": [0.0, 0.5, 2.0]})
kdim("huber_loss", F.huber_loss, lambda s: {"input": randn(*s) * 2, "target": randn(*s)}, {"delta": [0.5, 1.0, 3.0]})
kdim("binary_cross_entropy", F.binary_cross_entropy, lambda s: {"input": rand(*s) * 0.98 + 0.01, "target": rand(*s)}, {"weight": [None, rand(4) + 0.1]})
kdim("binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, lambda s: {"input": randn(*s) * 3, "target": rand(*s)}, {"pos_weight": [None, rand(4) + 0.5], "weight": [None, rand(4) + 0.1]})
kdim("kl_div", F.kl_div, lambda s: {"input": torch.log_softmax(randn(*s), 1), "target": torch.softmax(randn(*s), 1)}, {"log_target": [False]})
kdim("kl_div", F.kl_div, lambda s: {"input": torch.log_softmax(randn(*s), 1), "target": torch.log_softmax(randn(*s), 1)}, {"log_target": [True]})
kdim("poisson_nll_loss", F.poisson_nll_loss, lambda s: {"input": randn(*s), "target": randint(5, *s).double()}, {"log_input": [True], "full": [False, True]})
kdim("poisson_nll_loss", F.poisson_nll_loss, lambda s: {"input": rand(*s) * 4, "target": randint(5, *s).double()}, {"log_input": [False], "full": [False, True]})
kdim("gaussian_nll_loss", F.gaussian_nll_loss, lambda s: {"input": randn(*s), "target": randn(*s), "var": rand(*s) + 0.05}, {"full": [False, True]})
kdim("gaussian_nll_loss", F.gaussian_nll_loss, lambda s: {"input": randn(*s), "target": randn(*s), "var": rand(*s[:-1], 1) + 0.05}, {"full": [False, True]}, "var (..., 1)")
kdim("hinge_embedding_loss", F.hinge_embedding_loss, lambda s: {"input": randn(*s), "target": pm(*s)}, {"margin": [0.5, 1.0]})
kdim("soft_margin_loss", F.soft_margin_loss, lambda s: {"input": randn(*s) * 3, "target": pm(*s)}, {})
kdim("margin_ranking_loss", F.margin_ranking_loss, lambda s: {"input1": randn(*s), "input2": randn(*s), "target": pm(*s)}, {"margin": [0.0, 0.5]})
if sigmoid_focal_loss is not None:
    kdim("sigmoid_focal_loss", sigmoid_focal_loss, lambda s: {"inputs": randn(*s) * 3, "targets": (rand(*s) > 0.7).double()}, {"alpha": [0.25, -1.0], "gamma": [0.0, 2.0]})

# ---------------------------------------------------------------- shape and dtype contracts
# Every pattern the shape contracts (src/losses/shapes.ts) decide, with PyTorch's own error or
# warning: the evaluator raises the contract's message, and the analyzer reports the same one.
def shape_case(name, loss, fn, args, kwargs=None):
    case(f"{loss} shape {name}", loss, fn, args, kwargs)


for loss, fn in [("cross_entropy", F.cross_entropy), ("nll_loss", F.nll_loss)]:
    shape_case("(N,1,H,W) indices against (N,C,H,W)", loss, fn, {"input": randn(2, 3, 4, 4), "target": randint(3, 2, 1, 4, 4)})
    shape_case("(N,H,W) indices against (N,C,H,W)", loss, fn, {"input": randn(2, 3, 4, 4), "target": randint(3, 2, 4, 4)})
    shape_case("(N,H,W') indices against (N,C,H,W)", loss, fn, {"input": randn(2, 3, 4, 4), "target": randint(3, 2, 4, 3)})
    shape_case("(N,d,1) indices against (N,C,d)", loss, fn, {"input": randn(2, 3, 5), "target": randint(3, 2, 5, 1)})
    shape_case("(N,d,1) indices against (N,C)", loss, fn, {"input": randn(2, 3), "target": randint(3, 2, 5, 1)})
    shape_case("(N,1) indices against (N,C)", loss, fn, {"input": randn(4, 3), "target": randint(3, 4, 1)})
    shape_case("batch sizes differ", loss, fn, {"input": randn(4, 5), "target": randint(5, 3)})
    shape_case("(N,C,d1,d2,d3) against a wrong target", loss, fn, {"input": randn(2, 3, 2, 2, 2), "target": randint(3, 2, 2, 2, 3)})
shape_case("probabilities for another class count", "cross_entropy", F.cross_entropy, {"input": randn(4, 5), "target": rand(4, 6)})
shape_case("probabilities for another class count, K-dim", "cross_entropy", F.cross_entropy, {"input": randn(2, 5, 3, 3), "target": rand(2, 6, 3, 3)})
shape_case("(N,1,H,W) float target against (N,C,H,W)", "cross_entropy", F.cross_entropy, {"input": randn(2, 3, 4, 4), "target": rand(2, 1, 4, 4)})
shape_case("widths differ", "kl_div", F.kl_div, {"input": torch.log_softmax(randn(4, 5), 1), "target": rand(4, 6)}, {"reduction": "batchmean"})
shape_case("(N,1) target broadcast", "kl_div", F.kl_div, {"input": torch.log_softmax(randn(4, 5), 1), "target": rand(4, 1)}, {"reduction": "batchmean"})
shape_case("widths differ", "triplet_margin_loss", F.triplet_margin_loss, {"anchor": randn(4, 8), "positive": randn(4, 8), "negative": randn(4, 9)})
shape_case("positive width differs", "triplet_margin_loss", F.triplet_margin_loss, {"anchor": randn(4, 8), "positive": randn(4, 7), "negative": randn(4, 8)})
shape_case("ranks differ", "triplet_margin_loss", F.triplet_margin_loss, {"anchor": randn(4, 8), "positive": randn(4, 8), "negative": randn(8)})
shape_case("batch sizes differ", "triplet_margin_loss", F.triplet_margin_loss, {"anchor": randn(4, 8), "positive": randn(4, 8), "negative": randn(3, 8)})
shape_case("2-D target", "cosine_embedding_loss", F.cosine_embedding_loss, {"input1": randn(4, 8), "input2": randn(4, 8), "target": torch.ones(4, 1, dtype=torch.float64)})
shape_case("widths differ", "cosine_embedding_loss", F.cosine_embedding_loss, {"input1": randn(4, 8), "input2": randn(4, 9), "target": torch.ones(4, dtype=torch.float64)})
shape_case("target length differs", "cosine_embedding_loss", F.cosine_embedding_loss, {"input1": randn(4, 8), "input2": randn(4, 8), "target": torch.ones(3, dtype=torch.float64)})
shape_case("ranks differ", "margin_ranking_loss", F.margin_ranking_loss, {"input1": randn(4), "input2": randn(4, 1), "target": torch.ones(4, dtype=torch.float64)})
shape_case("(N,1) inputs against an (N,) target", "margin_ranking_loss", F.margin_ranking_loss, {"input1": randn(4, 1), "input2": randn(4, 1), "target": torch.ones(4, dtype=torch.float64)})
shape_case("sizes differ", "margin_ranking_loss", F.margin_ranking_loss, {"input1": randn(4), "input2": randn(3), "target": torch.ones(4, dtype=torch.float64)})
shape_case("(N,) target against (N,C)", "multilabel_soft_margin_loss", F.multilabel_soft_margin_loss, {"input": randn(4, 5), "target": randint(2, 4).double()})
shape_case("(N,C') target against (N,C)", "multilabel_soft_margin_loss", F.multilabel_soft_margin_loss, {"input": randn(4, 5), "target": randint(2, 4, 6).double()})
shape_case("(N,) target against (N,C)", "binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, {"input": randn(4, 5), "target": rand(4)})
shape_case("(N,) target against (N,C)", "binary_cross_entropy", F.binary_cross_entropy, {"input": rand(4, 5), "target": rand(4)})
for loss, fn in [("mse_loss", F.mse_loss), ("l1_loss", F.l1_loss), ("smooth_l1_loss", F.smooth_l1_loss), ("huber_loss", F.huber_loss)]:
    shape_case("(N,) target against (N,C)", loss, fn, {"input": randn(4, 5), "target": rand(4)})
    shape_case("(N,C) target against (N,)", loss, fn, {"input": randn(4), "target": rand(4, 5)})
    shape_case("batch sizes differ", loss, fn, {"input": randn(4, 3), "target": rand(3, 3)})
shape_case("(N,) target against (N,C)", "soft_margin_loss", F.soft_margin_loss, {"input": randn(4, 5), "target": torch.ones(4, dtype=torch.float64)})
shape_case("(N,) target against (N,C)", "hinge_embedding_loss", F.hinge_embedding_loss, {"input": randn(4, 5), "target": torch.ones(4, dtype=torch.float64)})
shape_case("(N,) target against (N,C)", "poisson_nll_loss", F.poisson_nll_loss, {"input": randn(4, 5), "target": rand(4)})
shape_case("var of another width", "gaussian_nll_loss", F.gaussian_nll_loss, {"input": randn(4, 5), "target": randn(4, 5), "var": rand(4, 3)})
shape_case("(N,1) target", "multi_margin_loss", F.multi_margin_loss, {"input": randn(4, 5), "target": randint(5, 4, 1)})
shape_case("(N,) target", "multilabel_margin_loss", F.multilabel_margin_loss, {"input": randn(4, 5), "target": randint(5, 4)})
shape_case("(N,C') target", "multilabel_margin_loss", F.multilabel_margin_loss, {"input": randn(4, 5), "target": randint(5, 4, 6)})
lp = torch.log_softmax(randn(6, 4, 5), 2)
shape_case("input_lengths of another batch", "ctc_loss", F.ctc_loss, {"log_probs": lp, "targets": randint(4, 4, 3, low=1), "input_lengths": torch.full((3,), 6, dtype=torch.long), "target_lengths": torch.full((4,), 3, dtype=torch.long)})
shape_case("target_lengths of another batch", "ctc_loss", F.ctc_loss, {"log_probs": lp, "targets": randint(4, 4, 3, low=1), "input_lengths": torch.full((4,), 6, dtype=torch.long), "target_lengths": torch.full((2,), 3, dtype=torch.long)})
shape_case("4-D log_probs", "ctc_loss", F.ctc_loss, {"log_probs": torch.log_softmax(randn(6, 4, 5, 2), 2), "targets": randint(4, 4, 3, low=1), "input_lengths": torch.full((4,), 6, dtype=torch.long), "target_lengths": torch.full((4,), 3, dtype=torch.long)})
# Dtypes PyTorch refuses (the dtype contracts); the regression losses promote integer targets.
shape_case("integer target", "kl_div", F.kl_div, {"input": torch.log_softmax(randn(4, 5), 1), "target": randint(2, 4, 5)}, {"reduction": "batchmean"})
shape_case("float class indices", "multi_margin_loss", F.multi_margin_loss, {"input": randn(4, 5), "target": randint(5, 4).double()})
shape_case("float class indices", "multilabel_margin_loss", F.multilabel_margin_loss, {"input": randn(4, 5), "target": randint(5, 4, 5).double()})
shape_case("integer target", "binary_cross_entropy", F.binary_cross_entropy, {"input": rand(4), "target": randint(2, 4)})
shape_case("integer target", "binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, {"input": randn(4), "target": randint(2, 4)})
shape_case("float class indices", "nll_loss", F.nll_loss, {"input": randn(4, 5), "target": randint(5, 4).double()})
try:
    from torchvision.ops import sigmoid_focal_loss as focal

    shape_case("(N,) target against (N,C)", "sigmoid_focal_loss", lambda inputs, targets: focal(inputs, targets, reduction="mean"), {"inputs": randn(4, 5), "targets": rand(4)})
    shape_case("integer target", "sigmoid_focal_loss", lambda inputs, targets: focal(inputs, targets, reduction="mean"), {"inputs": randn(4, 5), "targets": randint(2, 4, 5)})
except ImportError:
    pass

# ---------------------------------------------------------------- printing
printing = []
# Errors found by hostile inputs (fixed tensors, after every random draw, so no other case moves).
fixed_x = torch.tensor([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]], dtype=torch.float64)
fixed_p = torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dtype=torch.float64)
infinite = torch.tensor([float("inf"), float("-inf"), float("inf"), float("-inf"), 2.0], dtype=torch.float64)
binary = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0], dtype=torch.float64)
case("binary_cross_entropy_with_logits infinite logits none", "binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, {"input": infinite, "target": binary}, {"reduction": "none"})
case("binary_cross_entropy_with_logits infinite logits pos_weight none", "binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, {"input": infinite, "target": binary}, {"reduction": "none", "pos_weight": torch.tensor([2.0, 2.0, 2.0, 2.0, 2.0], dtype=torch.float64)})
case("binary_cross_entropy_with_logits infinite logit sum", "binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, {"input": infinite[:1], "target": binary[:1]}, {"reduction": "sum"})
empty_rows = torch.zeros(0, 3, dtype=torch.float64)
empty_vector = torch.zeros(0, dtype=torch.float64)
case("triplet_margin_loss empty batch", "triplet_margin_loss", F.triplet_margin_loss, {"anchor": empty_rows, "positive": empty_rows, "negative": empty_rows})
case("triplet_margin_loss empty vector", "triplet_margin_loss", F.triplet_margin_loss, {"anchor": empty_vector, "positive": empty_vector, "negative": empty_vector})
case("nll_loss empty batch mean", "nll_loss", F.nll_loss, {"input": empty_rows, "target": torch.zeros(0, dtype=torch.int64)})
case("nll_loss empty batch sum", "nll_loss", F.nll_loss, {"input": empty_rows, "target": torch.zeros(0, dtype=torch.int64)}, {"reduction": "sum"})
soft_margin_input = torch.tensor([[0.5, -1.0, 2.0], [1.0, 1.5, -0.5]], dtype=torch.float64)
soft_margin_target = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]], dtype=torch.float64)
case("multilabel_soft_margin_loss (1, C) input against (N, C) targets", "multilabel_soft_margin_loss", F.multilabel_soft_margin_loss, {"input": soft_margin_input[:1], "target": soft_margin_target}, {"reduction": "none"})
case("multilabel_soft_margin_loss target with an extra leading dim", "multilabel_soft_margin_loss", F.multilabel_soft_margin_loss, {"input": soft_margin_input, "target": soft_margin_target[None]}, {"reduction": "none"})
case("multilabel_soft_margin_loss target with an extra leading dim mean", "multilabel_soft_margin_loss", F.multilabel_soft_margin_loss, {"input": soft_margin_input, "target": soft_margin_target[None]})
case("multilabel_soft_margin_loss 0-d input", "multilabel_soft_margin_loss", F.multilabel_soft_margin_loss, {"input": torch.tensor(0.5, dtype=torch.float64), "target": torch.tensor(1.0, dtype=torch.float64)})
margin_scores = torch.tensor([[0.1, 0.2, 0.3]], dtype=torch.float64)
for labels in [[[0, -2, 1]], [[0, 3, 1]], [[0, -1, 5]]]:
    case(f"multilabel_margin_loss target {labels}", "multilabel_margin_loss", F.multilabel_margin_loss, {"input": margin_scores, "target": torch.tensor(labels, dtype=torch.int64)})
ctc_log_probs = torch.log_softmax(torch.tensor([[[0.1, 0.5, -0.2, 0.3]], [[0.4, -0.1, 0.2, 0.0]], [[0.3, 0.3, -0.5, 0.1]]], dtype=torch.float64), 2)
case("ctc_loss 3-D targets", "ctc_loss", F.ctc_loss, {"log_probs": ctc_log_probs, "targets": torch.ones(1, 2, 1, dtype=torch.int64), "input_lengths": torch.tensor([3]), "target_lengths": torch.tensor([2])})
case("ctc_loss 0-d targets", "ctc_loss", F.ctc_loss, {"log_probs": ctc_log_probs, "targets": torch.tensor(1), "input_lengths": torch.tensor([3]), "target_lengths": torch.tensor([1])})
case("ctc_loss unbatched 0-d targets", "ctc_loss", F.ctc_loss, {"log_probs": ctc_log_probs[:, 0], "targets": torch.tensor(1), "input_lengths": torch.tensor(3), "target_lengths": torch.tensor(1)})
case("cross_entropy error probabilities with ignore_index", "cross_entropy", F.cross_entropy, {"input": fixed_x, "target": fixed_p}, {"ignore_index": 1})
case("cross_entropy probabilities with a negative ignore_index", "cross_entropy", F.cross_entropy, {"input": fixed_x, "target": fixed_p}, {"ignore_index": -5})

# ---------------------------------------------------------------- optax (documented formulas)
# optax's losses, unreduced as optax gives them: the formulas of optax's documentation written in
# torch, drawn from their own generator so no case above moves.
optax_generator = torch.Generator().manual_seed(20261207)


def orandn(*shape):
    return torch.randn(shape, dtype=torch.float64, generator=optax_generator)


def orand(*shape):
    return torch.rand(shape, dtype=torch.float64, generator=optax_generator)


def optax_case(name, loss, fn, args, kwargs=None):
    case(f"optax {loss} {name}", f"optax.{loss}", fn, args, kwargs, source="optax-formula")


def optax_softmax_cross_entropy(logits, labels):
    return -(labels * torch.log_softmax(logits, -1)).sum(-1)


def optax_integer_labels(logits, labels):
    return torch.logsumexp(logits, -1) - logits.gather(-1, labels[..., None])[..., 0]


def optax_sigmoid_binary(logits, labels):
    return -labels * F.logsigmoid(logits) - (1 - labels) * F.logsigmoid(-logits)


def optax_huber(predictions, targets, delta=1.0):
    errors = (predictions - targets).abs()
    quadratic = torch.clamp(errors, max=delta)
    return 0.5 * quadratic**2 + delta * (errors - quadratic)


def optax_log_cosh(predictions, targets):
    errors = predictions - targets
    return torch.logaddexp(errors, -errors) - math.log(2.0)


def optax_cosine_distance(predictions, targets, epsilon=0.0):
    def unit(v):
        return v / torch.sqrt(torch.clamp((v**2).sum(-1), min=epsilon**2)).unsqueeze(-1)

    return 1 - (unit(predictions) * unit(targets)).sum(-1)


def optax_kl(log_predictions, targets):
    return (targets * (torch.where(targets == 0, torch.zeros_like(targets), torch.log(targets)) - log_predictions)).sum(-1)


for shape in [(5,), (4, 5), (2, 3, 4)]:
    optax_case(f"{shape}", "softmax_cross_entropy", optax_softmax_cross_entropy, {"logits": orandn(*shape) * 3, "labels": torch.softmax(orandn(*shape), -1)})
    optax_case(f"{shape}", "softmax_cross_entropy_with_integer_labels", optax_integer_labels, {"logits": orandn(*shape) * 3, "labels": torch.randint(0, shape[-1], shape[:-1], generator=optax_generator)})
    optax_case(f"{shape}", "sigmoid_binary_cross_entropy", optax_sigmoid_binary, {"logits": orandn(*shape) * 4, "labels": (orand(*shape) > 0.5).double()})
    optax_case(f"{shape}", "l2_loss", lambda predictions, targets: 0.5 * (predictions - targets) ** 2, {"predictions": orandn(*shape), "targets": orandn(*shape)})
    optax_case(f"{shape}", "squared_error", lambda predictions, targets: (predictions - targets) ** 2, {"predictions": orandn(*shape), "targets": orandn(*shape)})
    optax_case(f"{shape}", "huber_loss", optax_huber, {"predictions": orandn(*shape) * 2, "targets": orandn(*shape)})
    optax_case(f"{shape} delta", "huber_loss", optax_huber, {"predictions": orandn(*shape) * 2, "targets": orandn(*shape)}, {"delta": 0.4})
    optax_case(f"{shape}", "log_cosh", optax_log_cosh, {"predictions": orandn(*shape) * 3, "targets": orandn(*shape)})
    optax_case(f"{shape}", "hinge_loss", lambda predictor_outputs, targets: torch.clamp(1 - predictor_outputs * targets, min=0), {"predictor_outputs": orandn(*shape), "targets": torch.sign(orandn(*shape))})
    optax_case(f"{shape}", "cosine_distance", optax_cosine_distance, {"predictions": orandn(*shape), "targets": orandn(*shape)})
    optax_case(f"{shape}", "kl_divergence", optax_kl, {"log_predictions": torch.log_softmax(orandn(*shape), -1), "targets": torch.softmax(orandn(*shape) * 2, -1)})
optax_case("soft labels broadcast over rows", "softmax_cross_entropy", optax_softmax_cross_entropy, {"logits": orandn(4, 3), "labels": torch.softmax(orandn(3), -1)})
optax_case("extreme logits", "sigmoid_binary_cross_entropy", optax_sigmoid_binary, {"logits": torch.tensor([-80.0, -20.0, 0.0, 20.0, 80.0], dtype=torch.float64), "labels": torch.tensor([1.0, 0.0, 0.5, 1.0, 0.0], dtype=torch.float64)})
optax_case("large errors", "log_cosh", optax_log_cosh, {"predictions": torch.tensor([800.0, -800.0, 1e-8, 0.0], dtype=torch.float64), "targets": torch.zeros(4, dtype=torch.float64)})
optax_case("a short vector and epsilon", "cosine_distance", optax_cosine_distance, {"predictions": torch.tensor([[0.01, 0.02], [3.0, 4.0]], dtype=torch.float64), "targets": torch.tensor([[1.0, 0.0], [0.6, 0.8]], dtype=torch.float64)}, {"epsilon": 0.1})
optax_case("a target of 0", "kl_divergence", optax_kl, {"log_predictions": torch.log_softmax(orandn(2, 3), -1), "targets": torch.tensor([[0.0, 0.4, 0.6], [1.0, 0.0, 0.0]], dtype=torch.float64)})
optax_case("targets broadcast", "l2_loss", lambda predictions, targets: 0.5 * (predictions - targets) ** 2, {"predictions": orandn(3, 2), "targets": orandn(3, 1)})

# ---------------------------------------------------------------- dtype promotion matrix
# Every PyTorch loss with each tensor argument (and tensor option) float64, int64 or bool, under
# each reduction: the value and its dtype where PyTorch promotes, its error where it raises (the
# dtype contracts, src/losses/promotion.ts). Fixed values, so no random draw moves.
def as_dtype(values, kind):
    t = torch.tensor(values, dtype=torch.float64)
    return t if kind == "f" else t.trunc().long() if kind == "i" else t != 0


DTYPE_KIND = {"f": "float64", "i": "int64", "b": "bool"}
m_x = [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]]
m_y = [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]
m_p = [[0.2, 0.7, 1.0], [0.0, 0.6, 0.3]]
m_s = [[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]]
m_w = [1.0, 2.0, 1.0]
m_x3 = [[[0.5, -1.0], [2.0, 1.0], [0.0, -0.5]], [[1.0, 0.5], [-2.0, 0.0], [1.0, 1.0]]]
focal = (lambda inputs, targets, **options: sigmoid_focal_loss(inputs, targets, **options)) if sigmoid_focal_loss is not None else None
promotion_matrix = [
    ("cross_entropy", F.cross_entropy, {"input": m_x, "target": [2.0, 0.0]}, {"weight": m_w}, {}),
    ("cross_entropy", F.cross_entropy, {"input": m_x, "target": m_y}, {"weight": m_w}, {}),
    ("cross_entropy", F.cross_entropy, {"input": m_x3, "target": [[2.0, 0.0], [1.0, 1.0]]}, {}, {}),
    ("cross_entropy", F.cross_entropy, {"input": m_x, "target": [2.0, 0.0]}, {}, {"label_smoothing": 0.2}),
    ("nll_loss", F.nll_loss, {"input": m_x, "target": [2.0, 0.0]}, {"weight": m_w}, {}),
    ("nll_loss", F.nll_loss, {"input": m_x3, "target": [[2.0, 0.0], [1.0, 1.0]]}, {}, {}),
    ("binary_cross_entropy", F.binary_cross_entropy, {"input": m_p, "target": m_y}, {"weight": m_w}, {}),
    ("binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, {"input": m_x, "target": m_y}, {"weight": m_w, "pos_weight": [1.0, 3.0, 2.0]}, {}),
    ("mse_loss", F.mse_loss, {"input": m_x, "target": m_y}, {}, {}),
    ("l1_loss", F.l1_loss, {"input": m_x, "target": m_y}, {}, {}),
    ("smooth_l1_loss", F.smooth_l1_loss, {"input": m_x, "target": m_y}, {}, {}),
    ("smooth_l1_loss", F.smooth_l1_loss, {"input": m_x, "target": m_y}, {}, {"beta": 0.0}),
    ("huber_loss", F.huber_loss, {"input": m_x, "target": m_y}, {}, {}),
    ("kl_div", F.kl_div, {"input": m_x, "target": m_p}, {}, {}),
    ("poisson_nll_loss", F.poisson_nll_loss, {"input": m_x, "target": m_y}, {}, {}),
    ("poisson_nll_loss", F.poisson_nll_loss, {"input": m_p, "target": [[2.0, 0.0, 1.0], [3.0, 1.0, 1.0]]}, {}, {"log_input": False, "full": True}),
    ("gaussian_nll_loss", F.gaussian_nll_loss, {"input": m_x, "target": m_y, "var": [[1.0, 2.0, 1.0], [1.0, 1.0, 2.0]]}, {}, {}),
    ("hinge_embedding_loss", F.hinge_embedding_loss, {"input": m_x, "target": m_s}, {}, {}),
    ("hinge_embedding_loss", F.hinge_embedding_loss, {"input": [[0.0, 3.0, -2.0], [1.0, 2.0, -1.0]], "target": m_s}, {}, {"margin": 1.7}),
    ("soft_margin_loss", F.soft_margin_loss, {"input": m_x, "target": m_s}, {}, {}),
    ("multilabel_soft_margin_loss", F.multilabel_soft_margin_loss, {"input": m_x, "target": m_y}, {"weight": m_w}, {}),
    ("multi_margin_loss", F.multi_margin_loss, {"input": m_x, "target": [2.0, 0.0]}, {"weight": m_w}, {}),
    ("multilabel_margin_loss", F.multilabel_margin_loss, {"input": m_x, "target": [[2.0, 0.0, -1.0], [1.0, -1.0, 0.0]]}, {}, {}),
    ("margin_ranking_loss", F.margin_ranking_loss, {"input1": [0.5, -1.0, 2.0], "input2": [1.0, 0.0, -0.5], "target": [1.0, -1.0, 1.0]}, {}, {"margin": 0.5}),
    ("cosine_embedding_loss", F.cosine_embedding_loss, {"input1": m_x, "input2": [[1.0, 2.0, 0.0], [0.0, 1.0, 1.0]], "target": [1.0, -1.0]}, {}, {}),
    ("triplet_margin_loss", F.triplet_margin_loss, {"anchor": m_x, "positive": [[1.0, 2.0, 0.0], [0.0, 1.0, 1.0]], "negative": [[0.0, 0.0, 1.0], [2.0, 1.0, 1.0]]}, {}, {}),
    ("triplet_margin_loss", F.triplet_margin_loss, {"anchor": m_x, "positive": [[1.0, 2.0, 0.0], [0.0, 1.0, 1.0]], "negative": [[0.0, 0.0, 1.0], [2.0, 1.0, 1.0]]}, {}, {"swap": True}),
    ("ctc_loss", F.ctc_loss, {"log_probs": [[[-1.0, -0.5, -2.0]], [[-0.7, -1.2, -1.5]], [[-1.1, -0.9, -1.3]]], "targets": [[1.0, 2.0]], "input_lengths": [3.0], "target_lengths": [2.0]}, {}, {}),
    ("ctc_loss", F.ctc_loss, {"log_probs": [[[-1.0, -0.5, -2.0]], [[-0.7, -1.2, -1.5]], [[-1.1, -0.9, -1.3]]], "targets": [[1.7, 2.2]], "input_lengths": [3.0], "target_lengths": [2.0]}, {}, {}),
]
if focal is not None:
    promotion_matrix.append(("sigmoid_focal_loss", focal, {"inputs": m_x, "targets": m_y}, {}, {}))
for loss, fn, tensor_args, tensor_options, options in promotion_matrix:
    names = list(tensor_args) + list(tensor_options)
    values = {**tensor_args, **tensor_options}
    for kinds in itertools.product("fib", repeat=len(names)):
        for reduction in REDUCTIONS:
            typed = {name: as_dtype(values[name], kind) for name, kind in zip(names, kinds)}
            label = " ".join(f"{name}={DTYPE_KIND[kind]}" for name, kind in zip(names, kinds))
            extra = " ".join(f"{k}={v}" for k, v in options.items())
            case(
                " ".join(part for part in [loss, "dtypes", label, extra, reduction] if part),
                loss,
                fn,
                {name: typed[name] for name in tensor_args},
                {**{name: typed[name] for name in tensor_options}, **options, "reduction": reduction},
                source="torchvision" if loss == "sigmoid_focal_loss" else "torch",
            )

# Broadcasting the issue names (fixed tensors): cosine_embedding_loss with a (1, C) input1 against
# an (N, C) input2 and a target of one label; soft_margin_loss with a target the input's shape
# cannot hold; an empty batch's class indices of another dtype, never read.
cos_rows = torch.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 1.0], [2.0, 0.5, -0.5]], dtype=torch.float64)
cos_one = torch.tensor([[0.5, -1.0, 1.5]], dtype=torch.float64)
cos_labels = torch.tensor([1.0, -1.0, 1.0], dtype=torch.float64)
for reduction in REDUCTIONS:
    case(f"cosine_embedding_loss (1, C) input1 against (N, C) input2 {reduction}", "cosine_embedding_loss", F.cosine_embedding_loss, {"input1": cos_one, "input2": cos_rows, "target": cos_labels}, {"reduction": reduction, "margin": 0.1})
    case(f"cosine_embedding_loss (N, C) input1 against (1, C) input2 {reduction}", "cosine_embedding_loss", F.cosine_embedding_loss, {"input1": cos_rows, "input2": cos_one, "target": cos_labels}, {"reduction": reduction})
    case(f"cosine_embedding_loss one label for N pairs {reduction}", "cosine_embedding_loss", F.cosine_embedding_loss, {"input1": cos_rows, "input2": cos_rows.flip(0), "target": cos_labels[:1] * -1}, {"reduction": reduction})
    case(f"soft_margin_loss target wider than the input {reduction}", "soft_margin_loss", F.soft_margin_loss, {"input": cos_one, "target": cos_rows}, {"reduction": reduction})
    case(f"soft_margin_loss 0-d target {reduction}", "soft_margin_loss", F.soft_margin_loss, {"input": cos_rows, "target": torch.tensor(-1.0, dtype=torch.float64)}, {"reduction": reduction})
    case(f"nll_loss empty batch with float indices {reduction}", "nll_loss", F.nll_loss, {"input": torch.zeros(0, 3, dtype=torch.float64), "target": torch.zeros(0, dtype=torch.float64)}, {"reduction": reduction})
    case(f"cross_entropy empty batch with bool indices {reduction}", "cross_entropy", F.cross_entropy, {"input": torch.zeros(0, 3, dtype=torch.float64), "target": torch.zeros(0, dtype=torch.bool)}, {"reduction": reduction})

# ---------------------------------------------------------------- differential edge cases
# Generated (fixed seeds, their own generators, so no case above moves) and written to
# test/golden/differential.json: random dtypes, empty and 0-d tensors, broadcasting, infinities
# and nan, options at their limits, across the PyTorch losses. test/unit/losses/differential.test.ts
# requires the evaluator to agree with every one.
differential = []
pick = random.Random(0)
dgen = torch.Generator()
SPECIAL = [float("inf"), float("-inf"), float("nan"), 0.0, 1e300, -1e-300]


def dvalues(shape, space):
    n = int(np.prod(shape)) if len(shape) else 1
    base = torch.randn(n, dtype=torch.float64, generator=dgen)
    if space == "prob":
        base = torch.rand(n, dtype=torch.float64, generator=dgen)
    elif space == "sign":
        base = torch.where(base > 0, 1.0, -1.0).double()
    elif space == "binary":
        base = (base > 0).double()
    elif space == "positive":
        base = base.abs() + 0.05
    elif space == "count":
        base = torch.poisson(torch.rand(n, dtype=torch.float64, generator=dgen) * 4, generator=dgen)
    else:
        base = base * 3
    return base, n


def dtensor(shape, space, kind="f", special=0.15):
    base, n = dvalues(shape, space)
    if kind == "f" and n > 0 and pick.random() < special:
        base[pick.randrange(n)] = pick.choice(SPECIAL if space not in ("prob", "positive") else [0.0, 1.0, float("nan")])
    t = base.reshape(shape)
    return t if kind == "f" else t.trunc().long() if kind == "i" else t != 0


def dkind(weights=(0.7, 0.2, 0.1)):
    return pick.choices("fib", weights=weights)[0]


def dcase(loss, fn, args, kwargs, source="torch"):
    label = " ".join(f"{k}{list(v.shape)}:{DTYPE_KIND.get({torch.float64: 'f', torch.int64: 'i', torch.bool: 'b'}[v.dtype])}" for k, v in args.items())
    opts = " ".join(f"{k}={'tensor' if isinstance(v, torch.Tensor) else v}" for k, v in kwargs.items())
    case(f"{loss} #{len([c for c in differential if c['loss'] == loss])} {label} {opts}".strip(), loss, fn, args, kwargs, source, into=differential)


def dreduction():
    return pick.choice(REDUCTIONS)


ELEMENTWISE_SHAPES = [((), ()), ((0,), (0,)), ((4,), (4,)), ((2, 3), (2, 3)), ((0, 3), (0, 3)), ((3, 1), (3,)), ((1, 3), (2, 3)), ((), (2, 3)), ((2, 3), ()), ((2, 3), (4,))]


def differential_cases(seed):
    """One draw of every kind of case, from generators seeded with `seed`."""
    global pick, dgen
    pick = random.Random(seed)
    dgen = torch.Generator().manual_seed(seed)
    for _ in range(24):
        for loss, fn, space, options in [
            ("mse_loss", F.mse_loss, "real", {}),
            ("l1_loss", F.l1_loss, "real", {}),
            ("smooth_l1_loss", F.smooth_l1_loss, "real", {"beta": [0.0, 0.5, 1.0, 1e-12, 3.0]}),
            ("huber_loss", F.huber_loss, "real", {"delta": [1.0, 0.5, 1e-3, 1e3]}),
            ("soft_margin_loss", F.soft_margin_loss, "sign", {}),
            ("hinge_embedding_loss", F.hinge_embedding_loss, "sign", {"margin": [0.0, 1.0, -1.0, 0.5, 2.5]}),
            ("poisson_nll_loss", F.poisson_nll_loss, "count", {"log_input": [True, False], "full": [False, True], "eps": [1e-8, 0.0, -1e-3, 1.0]}),
            ("kl_div", F.kl_div, "prob", {"log_target": [False, True]}),
        ]:
            if pick.random() < 0.5:
                continue
            a, b = pick.choice(ELEMENTWISE_SHAPES)
            x = dtensor(a, "prob" if loss == "poisson_nll_loss" and pick.random() < 0.5 else "real", dkind())
            y = dtensor(b, space, dkind())
            kw = {k: pick.choice(v) for k, v in options.items()}
            reduction = pick.choice(REDUCTIONS + (["batchmean"] if loss == "kl_div" else []))
            dcase(loss, fn, {"input": x, "target": y}, {**kw, "reduction": reduction})

    for _ in range(14):
        shape = pick.choice([(4, 3), (3,), (0, 3), (2, 3, 2)])
        var_shape = pick.choice([shape, shape[:-1], shape[:-1] + (1,), (7,)])
        x, y = dtensor(shape, "real", dkind()), dtensor(shape, "real", dkind())
        v = dtensor(var_shape, "positive", dkind((0.8, 0.1, 0.1)))
        if pick.random() < 0.3 and v.numel() > 0 and v.dtype == torch.float64:
            v.view(-1)[0] = pick.choice([0.0, float("inf"), -0.5])
        dcase("gaussian_nll_loss", F.gaussian_nll_loss, {"input": x, "target": y, "var": v}, {"full": pick.random() < 0.5, "eps": pick.choice([1e-6, 0.0, -1.0, 10.0]), "reduction": dreduction()})

    for _ in range(16):
        a, b = pick.choice([((4,), (4,)), ((), ()), ((0,), (0,)), ((3,), ()), ((1,), (3,))])
        t = pick.choice([a, b, ()])
        dcase("margin_ranking_loss", F.margin_ranking_loss, {"input1": dtensor(a, "real", dkind()), "input2": dtensor(b, "real", dkind()), "target": dtensor(t, "sign", dkind())}, {"margin": pick.choice([0.0, 0.5, -1.0]), "reduction": dreduction()})

    for _ in range(18):
        a, b, t = pick.choice([((4, 3), (4, 3), (4,)), ((1, 3), (4, 3), (4,)), ((4, 3), (1, 3), (4,)), ((3,), (3,), ()), ((0, 3), (0, 3), (0,)), ((4, 3), (4, 3), (1,)), ((2, 0), (2, 0), (2,))])
        x1 = dtensor(a, "real", dkind())
        if pick.random() < 0.2 and x1.numel() > 0 and x1.dtype == torch.float64:
            x1.view(-1)[: x1.shape[-1]] = 0.0
        target = dtensor(t, "sign", dkind())
        if pick.random() < 0.2 and target.numel() > 0 and target.dtype == torch.float64:
            target.view(-1)[0] = 0.5
        dcase("cosine_embedding_loss", F.cosine_embedding_loss, {"input1": x1, "input2": dtensor(b, "real", dkind()), "target": target}, {"margin": pick.choice([0.0, -0.5, 0.5, 1.0]), "reduction": dreduction()})

    for _ in range(18):
        a, p, n = pick.choice([((4, 3), (4, 3), (4, 3)), ((3,), (3,), (3,)), ((0, 3), (0, 3), (0, 3)), ((1, 3), (4, 3), (4, 3)), ((4, 3), (4, 3), (1, 3))])
        dcase("triplet_margin_loss", F.triplet_margin_loss, {"anchor": dtensor(a, "real", dkind()), "positive": dtensor(p, "real", dkind()), "negative": dtensor(n, "real", dkind())},
              {"margin": pick.choice([1.0, 0.0, -1.0]), "p": pick.choice([2.0, 1.0, 3.0, 0.5, float("inf")]), "eps": pick.choice([1e-6, 0.0, -1e-6]), "swap": pick.random() < 0.3, "reduction": dreduction()})

    for _ in range(40):
        shape = pick.choice([(5,), (4, 3), (2, 3, 2), (0, 3), (1, 1), (2, 3, 2, 2)])
        classes = shape[0] if len(shape) == 1 else shape[1]
        target_shape = () if len(shape) == 1 else (shape[0],) + shape[2:]
        loss, fn = pick.choice([("cross_entropy", F.cross_entropy), ("nll_loss", F.nll_loss)])
        x = dtensor(shape, "real", dkind((0.85, 0.1, 0.05)), special=0.2)
        if loss == "cross_entropy" and pick.random() < 0.3:
            y = torch.softmax(torch.randn(shape, dtype=torch.float64, generator=dgen), dim=0 if len(shape) == 1 else 1)
        else:
            y = torch.randint(0, classes, target_shape, generator=dgen)
            ignore = pick.choice([-100, 0, classes - 1, -1])
            if y.numel() > 0 and pick.random() < 0.5:
                y.view(-1)[0] = ignore
            y = y if pick.random() < 0.85 else y.double() if pick.random() < 0.5 else y != 0
        kw = {"reduction": dreduction()}
        if pick.random() < 0.5:
            kw["ignore_index"] = pick.choice([-100, 0, 1, -1, classes])
        if pick.random() < 0.3:
            kw["weight"] = dtensor((classes,), "positive", dkind((0.8, 0.15, 0.05)), special=0)
        if loss == "cross_entropy" and pick.random() < 0.5:
            kw["label_smoothing"] = pick.choice([0.0, 1.0, 0.3])
        dcase(loss, fn, {"input": x, "target": y}, kw)

    for _ in range(24):
        shape = pick.choice([(), (4,), (2, 3), (0, 3), (2, 3, 2)])
        logits = pick.random() < 0.5
        x = dtensor(shape, "real" if logits else "prob", dkind((0.85, 0.1, 0.05)), special=0.3 if logits else 0.2)
        y = dtensor(shape, pick.choice(["binary", "prob"]), dkind((0.8, 0.1, 0.1)), special=0)
        kw = {"reduction": dreduction()}
        if len(shape) > 0 and pick.random() < 0.4:
            kw["weight"] = dtensor(pick.choice([shape[-1:], shape]), "positive", dkind((0.7, 0.2, 0.1)), special=0)
        if logits and len(shape) > 0 and pick.random() < 0.4:
            kw["pos_weight"] = dtensor(shape[-1:], "positive", dkind((0.8, 0.15, 0.05)), special=0)
        if logits:
            dcase("binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, {"input": x, "target": y}, kw)
        else:
            dcase("binary_cross_entropy", F.binary_cross_entropy, {"input": x, "target": y}, kw)

    for _ in range(18):
        shape, tshape = pick.choice([((4, 3), (4, 3)), ((3,), (3,)), ((1, 3), (4, 3)), ((4, 3), (1, 4, 3)), ((0, 3), (0, 3)), ((2, 3, 2), (2, 3, 2))])
        kw = {"reduction": dreduction()}
        if pick.random() < 0.3:
            kw["weight"] = dtensor((shape[-1],), "positive", dkind((0.8, 0.1, 0.1)), special=0)
        dcase("multilabel_soft_margin_loss", F.multilabel_soft_margin_loss, {"input": dtensor(shape, "real", dkind((0.85, 0.1, 0.05))), "target": dtensor(tshape, "binary", dkind())}, kw)

    for _ in range(16):
        shape = pick.choice([(4, 3), (3,), (0, 3), (1, 1)])
        rows = shape[0] if len(shape) == 2 else None
        y = torch.randint(0, shape[-1], (rows,) if rows is not None else (), generator=dgen)
        # An empty batch reduced reads uninitialised memory in torch 1.13: only unreduced.
        kw = {"reduction": dreduction() if shape[0] != 0 else "none", "p": pick.choice([1, 2]), "margin": pick.choice([1.0, 0.0, -0.5])}
        if pick.random() < 0.3:
            kw["weight"] = dtensor((shape[-1],), "positive", "f", special=0)
        dcase("multi_margin_loss", F.multi_margin_loss, {"input": dtensor(shape, "real", dkind((0.85, 0.1, 0.05))), "target": y}, kw)

    for _ in range(10):
        shape = pick.choice([(3, 4), (4,), (0, 4)])
        y = torch.randint(-1, shape[-1], shape, generator=dgen)
        dcase("multilabel_margin_loss", F.multilabel_margin_loss, {"input": dtensor(shape, "real", "f"), "target": y}, {"reduction": dreduction() if shape[0] != 0 else "none"})

    for _ in range(16):
        T, N, C = pick.choice([(6, 2, 4), (5, 1, 3), (4, 3, 5)])
        lp = torch.log_softmax(torch.randn(T, N, C, dtype=torch.float64, generator=dgen), 2)
        S = pick.choice([1, 2, 3])
        blank = pick.choice([0, 0, C - 1])
        labels = [c for c in range(C) if c != blank]
        targets = torch.tensor([[pick.choice(labels) for _ in range(S)] for _ in range(N)], dtype=torch.float64)
        target_kind = pick.choice(["i", "i", "f", "b"])
        targets = targets.long() if target_kind == "i" else targets if target_kind == "f" else targets != 0
        il = torch.tensor([pick.choice([T, T - 1, 1]) for _ in range(N)])
        tl = torch.tensor([pick.choice([S, 0, 1]) for _ in range(N)])
        dcase("ctc_loss", F.ctc_loss, {"log_probs": lp, "targets": targets, "input_lengths": il, "target_lengths": tl}, {"blank": blank, "zero_infinity": pick.random() < 0.3, "reduction": dreduction()})

    if sigmoid_focal_loss is not None:
        for _ in range(12):
            shape = pick.choice([(4, 3), (), (0, 2), (5,)])
            dcase("sigmoid_focal_loss", focal, {"inputs": dtensor(shape, "real", dkind((0.85, 0.1, 0.05)), special=0.3), "targets": dtensor(shape, "binary", dkind((0.8, 0.1, 0.1)), special=0)},
                  {"alpha": pick.choice([0.25, -1.0, 0.0, 1.0]), "gamma": pick.choice([2.0, 0.0, 0.5]), "reduction": dreduction()}, source="torchvision")


for differential_seed in (20261231, 12):
    differential_cases(differential_seed)

# Option limits where PyTorch releases differ: the evaluator follows 1.13, which checks only
# label_smoothing <= 1 (a negative value is no smoothing; 2.0 refuses it) and takes any int64
# ignore_index (2^62 is no class; 2^63 overflows).
limits_x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]], dtype=torch.float64)
limits_p = torch.tensor([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], dtype=torch.float64)
for reduction in ("mean", "none"):
    case(f"cross_entropy negative label_smoothing {reduction}", "cross_entropy", F.cross_entropy, {"input": limits_x, "target": torch.tensor([0, 2])}, {"label_smoothing": -0.5, "reduction": reduction})
    case(f"cross_entropy probabilities negative label_smoothing {reduction}", "cross_entropy", F.cross_entropy, {"input": limits_x, "target": limits_p}, {"label_smoothing": -2.0, "reduction": reduction})
case("cross_entropy ignore_index 2^62", "cross_entropy", F.cross_entropy, {"input": limits_x, "target": torch.tensor([0, 2])}, {"ignore_index": 2**62})
case("nll_loss ignore_index -2^62", "nll_loss", F.nll_loss, {"input": limits_x, "target": torch.tensor([0, 2])}, {"ignore_index": -(2**62)})
case("cross_entropy error ignore_index 2^63", "cross_entropy", F.cross_entropy, {"input": limits_x, "target": torch.tensor([0, 2])}, {"ignore_index": 2**63})
case("cross_entropy error label_smoothing just above 1", "cross_entropy", F.cross_entropy, {"input": limits_x, "target": torch.tensor([0, 2])}, {"label_smoothing": 1.0000001})

print_cases = [
    1.5081, -6.0, 0.0, float("nan"), 1e-5, 123456789.0,
    [0.6, 0.1, 0.3], [1.0, 2.0, 3.0], [1e-5, 3.0, float("nan"), float("-inf")], [0.001, 12345.0], [0.125, 0.375, -0.0625],
    [[0.6, 0.1], [0.3, 0.8]], [[1.0, -2.0], [30.0, 4.0]], [[1e9, 1.0]], [[[1.5, 2.25], [3.0, 4.0]], [[5.0, 6.5], [7.0, 8.0]]],
    [float("inf"), float("-inf"), 1.0], [0.5, float("nan")], [1e-10, 2e-10], [100.0, 0.5],
    list(np.round(np.linspace(-3, 3, 30), 6)), list(np.linspace(0, 1, 2001)), [[float(i * j) for j in range(12)] for i in range(12)],
    [[float(i) / 7 for i in range(10)] for _ in range(3)], [],
]
for values in print_cases:
    t = torch.tensor(values, dtype=torch.float32)
    printing.append({"data": encode(t.double().tolist()), "shape": list(t.shape), "dtype": "float32", "printed": str(t)})
for values in [[1, 2, 3], [[10, -2], [3, 400]], 7, list(range(1500)), [True, False]]:
    t = torch.tensor(values)
    printing.append({"data": encode(t.tolist()), "shape": list(t.shape), "dtype": DTYPES[t.dtype], "printed": str(t)})
empty = torch.zeros(0, 3)
printing.append({"data": [], "shape": [0, 3], "dtype": "float32", "printed": str(empty)})

# ---------------------------------------------------------------- literals
# Tensor literals as Python evaluates them (torch, NumPy): the values and dtype LossLens's parser must
# read, or the error it must refuse them with. `expression` marks arithmetic, which LossLens refuses.
literal_cases = [
    "torch.tensor([1.7, -2.7], dtype=torch.long)",
    "torch.tensor([1.5, -2.7], dtype=int)",
    "torch.LongTensor([1.9, -1.9])",
    "torch.ByteTensor([-1, 255])",
    "torch.ByteTensor([257])",
    "torch.tensor([300.0], dtype=torch.uint8)",
    "torch.tensor([-1.5], dtype=torch.uint8)",
    "torch.tensor([255.9], dtype=torch.uint8)",
    "torch.tensor([200.0, -128.0], dtype=torch.int8)",
    "torch.tensor([3e9], dtype=torch.int32)",
    "torch.tensor([1e20], dtype=torch.long)",
    "torch.tensor([1, 0, 1], dtype=torch.uint8)",
    "torch.tensor([0.5, 2], dtype=torch.float32)",
    "torch.tensor([2, 0], dtype=torch.bool)",
    "np.array([200.0, 130.0, -129.0], dtype='i1')",
    "np.array([300.0, -1.0], dtype=np.uint8)",
    "np.array([1.9, -1.9], dtype=np.int64)",
    "torch.Tensor([1, 2])",
    "torch.Tensor(2)",
    "torch.FloatTensor(2, 3)",
]
literals = []
for source in literal_cases:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = eval(source, {"torch": torch, "np": np})
        array = value.numpy() if isinstance(value, torch.Tensor) else value
        if source.startswith(("torch.Tensor(2)", "torch.FloatTensor(2, 3)")):
            literals.append({"source": source, "error": "uninitialised"})
            continue
        kind = "bool" if array.dtype == np.bool_ else "int" if np.issubdtype(array.dtype, np.integer) else "float"
        literals.append({"source": source, "dtype": kind, "shape": list(array.shape), "data": encode(array.astype(np.float64).ravel().tolist())})
    except Exception as error:  # noqa: BLE001 - the error is the expected answer
        literals.append({"source": source, "error": str(error)})
for source in ["[1-2]", "[1+2]", "[1.2.3]", "[1..2]", "[1e5.5]"]:
    literals.append({"source": source, "error": "not a literal: Python reads arithmetic or a syntax error here"})

meta = {"torch": torch.__version__, "python": sys.version.split()[0], "numpy": np.__version__}
try:
    import torchvision

    meta["torchvision"] = torchvision.__version__
except ImportError:
    pass

with open(os.path.join(HERE, "losses.json"), "w") as f:
    json.dump({"meta": meta, "cases": cases}, f, indent=0, separators=(",", ":"), allow_nan=False)
    f.write("\n")
with open(os.path.join(HERE, "differential.json"), "w") as f:
    json.dump({"meta": meta, "cases": differential}, f, indent=0, separators=(",", ":"), allow_nan=False)
    f.write("\n")
with open(os.path.join(HERE, "printing.json"), "w") as f:
    json.dump({"meta": meta, "cases": printing}, f, indent=1, allow_nan=False)
    f.write("\n")
with open(os.path.join(HERE, "literals.json"), "w") as f:
    json.dump({"meta": meta, "cases": literals}, f, indent=1, allow_nan=False)
    f.write("\n")
print(f"wrote {len(cases)} loss cases, {len(differential)} differential cases and {len(printing)} printing cases with torch {torch.__version__}")
