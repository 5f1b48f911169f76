"""One line of evidence for a train/val leak (a pair or a group), as the audit panel and the
extend preview show it.

``exact``: the pixel hash and shape; ``near``: the perceptual-hash distance against the
threshold; ``capture``: the recording and both time windows, overlapping or back to back,
and in an extend preview the val capture group the new window falls in.
"""

from __future__ import annotations


def describe_evidence(kind: str, evidence: dict, first: str = "train") -> str:
    """Evidence of one leak of ``kind`` in a line; ``first`` names the non-val side (a new
    sample in an extend preview); unknown fields are shown as they are."""
    e = evidence or {}
    try:
        if kind == "near" and "min_distance" in e:  # a whole near group
            low, high = e["min_distance"], e["max_distance"]
            span = f"{low}" if low == high else f"{low}–{high}"
            return f"near group: perceptual hashes linked {span}/{e['bits']} bits apart (threshold {e['threshold']})"
        if kind == "capture" and "train_span" in e:  # a whole capture group
            (t0, t1), (v0, v1) = e["train_span"], e["val_span"]
            return f"{e['capture']}: {first} windows {t0:.2f}–{t1:.2f} s, val windows {v0:.2f}–{v1:.2f} s"
        if kind == "exact":
            rows, cols = e["shape"]
            return f"identical pixels ({rows}×{cols}), hash {str(e['hash'])[:12]}…"
        if kind == "near":
            return f"perceptual hash {e['distance']}/{e['bits']} bits apart (threshold {e['threshold']})"
        if kind == "capture":
            (t0, t1), (v0, v1) = e["train_window"], e["val_window"]
            how = "back to back" if e.get("touching") else f"overlap {e['overlap_sec']:.3g} s"
            text = f"{e['capture']}: {first} {t0:.2f}–{t1:.2f} s, val {v0:.2f}–{v1:.2f} s ({how})"
            group = e.get("val_group")
            if isinstance(group, dict):  # an extend preview: the new window falls in a val capture group
                text += (f"; in val's capture group {group['start']:.2f}–{group['end']:.2f} s "
                         f"({group['windows']} window(s)), so not to train")
            return text
    except (KeyError, TypeError, ValueError):
        pass
    return ", ".join(f"{k}={v}" for k, v in sorted(e.items())) or kind
