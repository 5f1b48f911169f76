"""The sanity pass on a CUDA device: same verdicts as on CPU, memory measured and freed."""

from __future__ import annotations

import json

import pytest
import torch

from specgui.cli.main import main
from specgui.core.sanity.run import iter_sanity_pass, plan_sanity_pass, run_sanity_pass
from specgui.core.sanity.distributed import SanityConfigError
from tests.helpers import make_signal
from tests.core.sanity.test_sanity_samples import SIGNAL, build_mixed_signal, write_split

pytestmark = [pytest.mark.cuda, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")]


def _verdicts(report: dict) -> dict:
    splits = {}
    for name, split in report["splits"].items():
        split = dict(split)
        splits[name] = (split, split.pop("pixel_mean"), split.pop("pixel_std"))
    return {"samples_checked": report["samples_checked"], "problems": report["problems"], "splits": splits}


@pytest.mark.parametrize("workers", [0, 2])
def test_cuda_pass_gives_the_cpu_verdicts_and_measures_memory(torchsig_root, workers):
    build_mixed_signal(torchsig_root)
    cpu = run_sanity_pass(torchsig_root, SIGNAL, device="cpu", workers=0)
    gpu = run_sanity_pass(torchsig_root, SIGNAL, device="cuda", workers=workers, multiprocessing_context=None)
    assert gpu.device == f"cuda:{torch.cuda.current_device()}"
    assert gpu.device_name == torch.cuda.get_device_name(gpu.device)
    assert gpu.pin_memory is True
    assert gpu.timing.peak_device_memory_bytes and gpu.timing.peak_device_memory_bytes > 0
    assert gpu.timing.device_seconds > 0
    a, b = _verdicts(cpu.to_dict()), _verdicts(gpu.to_dict())
    assert a["samples_checked"] == b["samples_checked"] and a["problems"] == b["problems"]
    for name in a["splits"]:
        assert a["splits"][name][0] == b["splits"][name][0]
        assert a["splits"][name][1] == pytest.approx(b["splits"][name][1], rel=1e-12)  # exact sums both ways
        assert a["splits"][name][2] == pytest.approx(b["splits"][name][2], rel=1e-9)


def test_cancel_frees_device_memory_at_once(tmp_path):
    ids = [f"{i:04d}" for i in range(64)]
    make_signal(tmp_path, "big", ids, shape=(1024, 1024))
    write_split(tmp_path / "big", ids[:56], ids[56:])
    torch.cuda.synchronize()
    torch.cuda.empty_cache()
    allocated, reserved = torch.cuda.memory_allocated(), torch.cuda.memory_reserved()
    events = iter_sanity_pass(plan_sanity_pass(tmp_path, "big", device="cuda", workers=2, batch_size=4,
                                               multiprocessing_context=None))
    next(events)
    next(events)
    assert torch.cuda.memory_allocated() > allocated  # buffers and sums live on the device
    events.close()
    assert torch.cuda.memory_allocated() == allocated
    assert torch.cuda.memory_reserved() <= reserved


def test_cuda_index_is_selectable_and_checked(tmp_path):
    make_signal(tmp_path, "s", ["a", "b"], shape=(32, 32))
    write_split(tmp_path / "s", ["a"], ["b"])
    report = run_sanity_pass(tmp_path, "s", device="cuda:0")
    assert report.device == "cuda:0" and report.clean
    with pytest.raises(SanityConfigError, match="CUDA device"):
        plan_sanity_pass(tmp_path, "s", device=f"cuda:{torch.cuda.device_count()}")


def test_cli_auto_picks_cuda(tmp_path, capsys):
    make_signal(tmp_path, "s", ["a", "b", "c"], shape=(64, 64))
    write_split(tmp_path / "s", ["a", "b"], ["c"])
    assert main(["sanity", str(tmp_path), "s", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["device"].startswith("cuda") and out["timing"]["peak_device_memory_bytes"] > 0


def test_the_windows_child_process_runs_the_pass_on_the_gpu(torchsig_root):
    """The window runs the pass through :mod:`specgui.core.sanity.child`: same GPU, same verdicts."""
    from specgui.core.sanity.child import DevicesProbed, run_in_child

    build_mixed_signal(torchsig_root)
    events = [e for e in run_in_child(torchsig_root, SIGNAL, device="auto", workers=2) if e is not None]
    assert isinstance(events[0], DevicesProbed) and len(events[0].cuda) == torch.cuda.device_count()
    report = events[-1]
    assert report.device.startswith("cuda") and report.timing.peak_device_memory_bytes > 0
    cpu = run_sanity_pass(torchsig_root, SIGNAL, device="cpu", workers=0)
    assert _verdicts(report.to_dict())["problems"] == _verdicts(cpu.to_dict())["problems"]
