"""Counting the labels of a signal's boxes: every complete sample, bad files skipped."""

from specgui.core.review.signal_labels import signal_label_counts

from ...helpers import write_sample


def counts_of(signal_dir):
    gen = signal_label_counts(signal_dir)
    steps = 0
    try:
        while True:
            assert next(gen) is None
            steps += 1
    except StopIteration as stop:
        return stop.value, steps


def box(label=None, **extra):
    return {"x_min": 1, "y_min": 1, "x_max": 5, "y_max": 5, **({"label": label} if label else {}), **extra}


def test_labels_and_class_names_of_every_complete_sample_are_counted(tmp_path):
    samples = tmp_path / "signals" / "sig" / "samples"
    write_sample(samples, "a", boxes=[box("fm"), box("fm"), box()])
    write_sample(samples, "b", boxes=[box(), box()], extra={"class_names": ["lte", "fm"]})
    write_sample(samples, "c", boxes=[box("wifi")])
    (samples / "c.npz").unlink()  # not complete: not a sample the list shows
    write_sample(samples, "d", boxes=[box("ook")])
    (samples / "d.json").write_text("{not json")  # unreadable: skipped, not fatal
    write_sample(samples, "e", boxes=[{"x_min": 5, "y_min": 1, "x_max": 1, "y_max": 5, "label": "bad"}])
    counts, steps = counts_of(samples.parent)
    assert counts == {"fm": 3, "lte": 1}
    assert steps == 4  # one yield per complete sample: the worker can stop between files


def test_a_signal_without_samples_has_no_labels(tmp_path):
    (tmp_path / "sig").mkdir()
    assert counts_of(tmp_path / "sig") == ({}, 0)


def test_a_big_signal_is_sampled_evenly_from_first_to_last(tmp_path):
    samples = tmp_path / "signals" / "sig" / "samples"
    for i in range(9):
        write_sample(samples, f"s{i}", boxes=[box(f"label{i}")])
    gen = signal_label_counts(samples.parent, max_files=3)
    steps = 0
    try:
        while True:
            next(gen)
            steps += 1
    except StopIteration as stop:
        counts = stop.value
    assert steps == 3 and counts == {"label0": 1, "label4": 1, "label8": 1}
