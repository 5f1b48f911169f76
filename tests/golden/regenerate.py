"""Regenerate the golden files in this folder from the original backend in ``../shared/seed``.

    PYTHONPATH=. python tests/golden/regenerate.py [--seed-dir ../shared/seed]

Runs the seed's ``SplitManager`` and ``SpectrogramDataset`` on the inputs of ``cases.py``
(real files in a temp folder) and records their answers as figures: v1 membership (ordered
lists as hashes, short ones whole), and the dataset's, ``collate_fn``'s, the loaders' and the
flips' outputs (dtypes, shapes, checksums, targets, ``image_id``). Only the seed's answers
are written here; specgui is compared against them by ``tests/test_golden_*.py``.
The seed changes never, so this runs only when a case is added.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import sys
import tempfile
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from tests.golden import cases  # noqa: E402


def _quiet(func, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the seed pins memory on CPU-only machines
        return func(*args, **kwargs)


def split_answers(seed_splits, id_sets=None) -> dict:
    """The seed's v1 for every case (or only those of ``id_sets``)."""
    answers = {}
    for name, seed, ratio in cases.split_cases():
        if id_sets is not None and name not in id_sets:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            cases.touch_ids(Path(tmp) / "sig", cases.ID_SETS[name])
            _quiet(seed_splits.SplitManager(tmp).create_initial_split, "sig", ratio, seed)
            v1 = json.loads((Path(tmp) / "sig" / "splits" / "v1.json").read_text())
        answer = {key: v1[key] for key in ("total_samples", "train_count", "val_count", "val_ratio", "random_seed")}
        for key in ("train_samples", "val_samples"):
            answer[key.replace("samples", "sha256")] = cases.list_hash(v1[key])
            if len(v1[key]) <= cases.FULL_LIST_MAX:
                answer[key] = v1[key]
        answers[cases.case_key(name, seed, ratio)] = answer
    return answers


def dataset_answers(seed_dataset, seed_splits) -> dict:
    import torch
    from torch.utils.data import DataLoader

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        samples = cases.write_dataset_samples(root)
        ids = cases.dataset_ids()
        dataset = _quiet(seed_dataset.SpectrogramDataset, str(samples), ids)
        items = [cases.item_figure(dataset[i]) for i in range(len(dataset))]
        requested = ids[:2] + ["gone"] + ids[2:]
        with_missing = _quiet(seed_dataset.SpectrogramDataset, str(samples), requested).sample_ids
        batches = [cases.batch_figure(b) for b in
                   DataLoader(dataset, batch_size=cases.BATCH_SIZE, collate_fn=seed_dataset.collate_fn)]
        random_seed, ratio = cases.LOADER_SPLIT
        _quiet(seed_splits.SplitManager(str(root)).create_initial_split, cases.DATASET_SIGNAL, ratio, random_seed)
        train, val = _quiet(seed_dataset.create_data_loaders, cases.DATASET_SIGNAL, str(root),
                            batch_size=cases.BATCH_SIZE)
        train_items = {}
        for images, targets in _quiet(list, train):
            for pair in zip(images, targets):
                train_items[int(pair[1]["image_id"])] = cases.item_figure(pair)
        loaders = {"train_ids": train.dataset.sample_ids, "val_ids": val.dataset.sample_ids,
                   "train_items_by_image_id": [train_items[k] for k in sorted(train_items)],
                   "val_batches": [cases.batch_figure(b) for b in _quiet(list, val)]}

    image, target = cases.flip_inputs()
    chain = seed_dataset.Compose([seed_dataset.RandomHorizontalFlip(0.5), seed_dataset.RandomVerticalFlip(0.5)])
    flips = []
    with torch.random.fork_rng():
        for seed in cases.FLIP_SEEDS:
            torch.manual_seed(seed)
            out_image, out_target = chain(image, dict(target))
            flips.append({"torch_seed": seed, "image": cases.tensor_figure(out_image),
                          "boxes": out_target["boxes"].tolist(), "next_draw": torch.rand(1).item()})
    return {"sample_ids": ids, "items": items, "with_missing": {"requested": requested, "sample_ids": with_missing},
            "collate": batches, "loaders": loaders, "flips": flips}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-dir", type=Path, default=REPO.parent / "shared" / "seed")
    args = parser.parse_args(argv)
    if not (args.seed_dir / "seed_splits.py").is_file():
        parser.error(f"{args.seed_dir} does not hold the seed (seed_splits.py, seed_dataset.py)")
    sys.path.insert(0, str(args.seed_dir))
    seed_splits, seed_dataset = importlib.import_module("seed_splits"), importlib.import_module("seed_dataset")
    note = "Answers of ../shared/seed, written by tests/golden/regenerate.py; do not edit by hand."
    splits = {"note": note, "cases": split_answers(seed_splits)}
    cases.SPLITS_FILE.write_text(json.dumps(splits, indent=1, ensure_ascii=False) + "\n")
    dataset = {"note": note, **dataset_answers(seed_dataset, seed_splits)}
    cases.DATASET_FILE.write_text(json.dumps(dataset, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {cases.SPLITS_FILE.name} ({len(splits['cases'])} v1 cases) and {cases.DATASET_FILE.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
