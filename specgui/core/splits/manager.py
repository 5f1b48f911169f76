"""SplitManager: the seed's split API, with its defects fixed, plus preview, diff and rollback.

Rules kept from the seed: the validation set is frozen at v1; new samples only go to
train; v1 is the seeded shuffle of the sorted IDs, first ``max(1, int(n * val_ratio))``
to val. Fixed: every write is atomic and under a cross-process lock; version files are
created exclusively; a missing or broken ``active.json`` is recovered from the highest
valid version, never by rebuilding v1; list order is deterministic; no global RNG state.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ..atomic_files import remove_stale_temps
from ..errors import (
    DataRootError,
    NoSamplesError,
    SplitFileError,
    SplitLockError,
    SplitStateError,
    SplitVersionExistsError,
    StaleSplitError,
)
from ..layout import ACTIVE_NAME, SignalPaths, resolve_signals_root, signals_root_of
from ..samples.index import SignalScan, list_signals, new_complete_ids, requested_ids, scan_signal
from .store import (
    point_active,
    read_active_pointer,
    split_lock,
    version_numbers,
    write_new_version,
)
from .resolve import RecoveredActiveWarning, read_split, read_version, resolve_active
from .results import ActiveResolution, ExtendPreview, SplitDiff, VersionSummary
from .version import SplitVersion, initial_membership, read_split_version, utc_timestamp, version_file_name


def open_signal(root: str | Path, signal_name: str) -> tuple["SplitManager", Path]:
    """The manager over ``root`` (the signals folder or its parent) and the signal's folder.

    Raises :class:`DataRootError` naming the signals that do exist when ``signal_name`` is absent.
    """
    signals_root = resolve_signals_root(root)
    manager = SplitManager(signals_root)
    signal_dir = manager.signal_dir(signal_name)
    if not signal_dir.is_dir():
        known = ", ".join(list_signals(signals_root)) or "none"
        raise DataRootError(signal_dir, f"no signal folder named {signal_name!r} (signals here: {known})")
    return manager, signal_dir


class SplitManager:
    """Train/validation split versions of each signal under a signals root."""

    def __init__(self, training_data_dir: str | Path):
        self.base_dir = signals_root_of(training_data_dir)
        self._paths: dict[str, SignalPaths] = {}

    # -- paths -------------------------------------------------------------------------
    def paths(self, signal_name: str) -> SignalPaths:
        """The signal's folders; its name is checked the first time it is asked for."""
        paths = self._paths.get(signal_name)
        if paths is None:
            paths = self._paths[signal_name] = SignalPaths.of(self.base_dir, signal_name)
        return paths

    def signal_dir(self, signal_name: str) -> Path:
        return self.paths(signal_name).signal_dir

    def splits_dir(self, signal_name: str) -> Path:
        return self.paths(signal_name).splits_dir

    def samples_dir(self, signal_name: str) -> Path:
        return self.paths(signal_name).samples_dir

    def scan(self, signal_name: str) -> SignalScan:
        """One directory pass over the signal's samples."""
        return scan_signal(self.signal_dir(signal_name))

    # -- the original backend's helpers, kept for code that calls them ---------------------
    # Thin aliases over the methods above: same values and types as the seed's (a ``Path``,
    # a sorted ``list[str]``), with specgui's name check (an unsafe name raises instead of
    # pointing outside the signals root).
    def _get_signal_dir(self, signal_name: str) -> Path:
        """``base_dir / signal_name``."""
        return self.signal_dir(signal_name)

    def _get_splits_dir(self, signal_name: str) -> Path:
        """``{signal}/splits``."""
        return self.splits_dir(signal_name)

    def _get_samples_dir(self, signal_name: str) -> Path:
        """``{signal}/samples``."""
        return self.samples_dir(signal_name)

    def _list_sample_ids(self, signal_name: str) -> list[str]:
        """Sorted IDs that have both an ``.npz`` and a ``.json`` ([] with no samples folder)."""
        return list(self.scan(signal_name).complete)

    def _no_samples(self, signal_name: str) -> NoSamplesError:
        return NoSamplesError(self.samples_dir(signal_name), signal_name)

    # -- reading -----------------------------------------------------------------------
    def read_version(self, signal_name: str, version: int) -> SplitVersion:
        return read_version(self.splits_dir(signal_name), version)

    def resolve_active(self, signal_name: str) -> ActiveResolution:
        """The active version; when ``active.json`` is missing or broken, the highest valid one."""
        return resolve_active(self.splits_dir(signal_name))

    def get_active_split_version(self, signal_name: str) -> int:
        """The active version number, 0 when the signal has no split yet."""
        resolution = self._resolve_active_warning(signal_name)
        return resolution.version.version if resolution.version else 0

    def get_split(self, signal_name: str, version: int | None = None) -> tuple[list[str], list[str]]:
        """(train IDs, val IDs) of ``version``, or of the active version."""
        split = read_split(self.splits_dir(signal_name), signal_name, version, stacklevel=2)
        return list(split.train), list(split.val)

    def get_pending_samples(self, signal_name: str) -> list[str]:
        """Complete samples on disk that are in no split of the active version, sorted."""
        active = self._resolve_active_warning(signal_name).version
        if active is None:
            return list(self.scan(signal_name).complete)
        return new_complete_ids(self.signal_dir(signal_name), active.train, active.val)

    def get_split_summary(self, signal_name: str) -> dict:
        """The split state in the labeling backend's words, from one listing of the samples.

        ``total_samples``: complete samples on disk; ``pending_samples``: those in neither
        train nor val of the active version; ``train_count`` / ``val_count``: the active
        version's lists; ``active_version``: its number, None (and 0 counts) with no split.
        """
        complete = self.scan(signal_name).complete
        active = self._resolve_active_warning(signal_name).version
        if active is None:
            return {"total_samples": len(complete), "pending_samples": len(complete),
                    "train_count": 0, "val_count": 0, "active_version": None}
        known = set(active.train)
        known.update(active.val)
        return {
            "total_samples": len(complete),
            "pending_samples": sum(1 for sample_id in complete if sample_id not in known),
            "train_count": len(active.train),
            "val_count": len(active.val),
            "active_version": active.version,
        }

    def list_versions(self, signal_name: str) -> list[VersionSummary]:
        """Every version file with its metadata, oldest first; unreadable ones carry ``problem``."""
        splits_dir = self.splits_dir(signal_name)
        pointer = read_active_pointer(splits_dir)
        rows = []
        for number in version_numbers(splits_dir):
            path = splits_dir / version_file_name(number)
            is_active = pointer.version == number and pointer.problem is None
            try:
                split = read_split_version(path, number)
            except SplitFileError as exc:
                rows.append(VersionSummary(number, path, is_active, problem=exc.problem))
                continue
            rows.append(VersionSummary(
                version=number, path=path, is_active=is_active, created_at=split.created_at,
                train_count=len(split.train), val_count=len(split.val),
                samples_added=split.samples_added, parent_version=split.parent_version,
                notes=split.notes,
            ))
        return rows

    def diff_versions(self, signal_name: str, a: int, b: int) -> SplitDiff:
        """What changed in train and val from version ``a`` to version ``b``."""
        va, vb = self.read_version(signal_name, a), self.read_version(signal_name, b)
        ta, tb, sa, sb = set(va.train), set(vb.train), set(va.val), set(vb.val)
        return SplitDiff(a, b, tuple(sorted(tb - ta)), tuple(sorted(ta - tb)),
                         tuple(sorted(sb - sa)), tuple(sorted(sa - sb)))

    # -- writing -----------------------------------------------------------------------
    def create_initial_split(self, signal_name: str, val_ratio: float = 0.2, random_seed: int = 42,
                             *, group_by: str | None = None, notes: str | None = None, progress=None,
                             use_cache: bool = True, cache_dir: str | Path | None = None,
                             check_samples: bool = True, held_back: list | None = None) -> int:
        """Write v1 from the complete samples on disk; refuses if any version exists.

        ``group_by`` None is the seed's algorithm; ``"capture"`` or ``"capture+pixels"`` keeps
        groups of samples that share data on one side (:mod:`.grouping`), reading the
        sample JSONs (and pixels) through the audit's cache; ``progress(done, total)`` follows that.
        ``check_samples`` (default True): samples that training could not load stay out of v1
        (:mod:`.guard`; appended to ``held_back`` as :class:`HeldBack` rows when a list is
        given); with every sample loadable v1 is the seed's. False: the seed's behaviour exactly.
        """
        from .grouping import check_group_by  # imported when asked: it loads the audit's readers

        if not (isinstance(val_ratio, (int, float)) and 0 < val_ratio < 1):
            raise SplitStateError(None, f"val_ratio must be between 0 and 1, got {val_ratio!r}")
        check_group_by(group_by)
        splits_dir = self.splits_dir(signal_name)
        # Every refusal comes before the folder and the lock file are made: a refusal writes nothing.
        # One scan, outside the lock: a sample that lands after it is simply pending for v2.
        self._require_signal(signal_name)
        self._refuse_existing(signal_name, splits_dir)
        ids = self.scan(signal_name).complete
        if not ids:
            raise self._no_samples(signal_name)
        if check_samples:
            from .guard import check_create  # imported when asked: it loads the audit's readers

            ids, rows, _ = check_create(self, signal_name, ids, use_cache=use_cache, cache_dir=cache_dir,
                                        progress=progress)
            if held_back is not None:
                held_back.extend(rows)
            if not ids:
                raise NoSamplesError(self.samples_dir(signal_name), signal_name, "no sample that training can load")
        plan = None
        if group_by is not None:  # read outside the lock: at 100,000 samples this takes seconds
            plan = self._grouped_plan(signal_name, ids, group_by, val_ratio, random_seed, progress, use_cache, cache_dir)
        self._prepare_splits_dir(splits_dir)
        with split_lock(splits_dir):
            remove_stale_temps(splits_dir)
            return self._create_initial_locked(signal_name, splits_dir, ids, val_ratio, random_seed, notes, plan)

    def _grouped_plan(self, signal_name, ids, group_by, val_ratio, random_seed, progress, use_cache, cache_dir):
        from .grouping import plan_from_keys, read_group_keys

        keys = read_group_keys(self.signal_dir(signal_name), ids, pixels=group_by == "capture+pixels",
                               bound=self.base_dir, use_cache=use_cache, cache_dir=cache_dir, progress=progress)
        try:
            return plan_from_keys(ids, keys, group_by, val_ratio, random_seed)
        except SplitStateError as exc:  # name the samples folder the groups came from
            raise SplitStateError(self.signal_dir(signal_name) / "samples", exc.problem) from None

    def _require_signal(self, signal_name: str) -> None:
        if not self.signal_dir(signal_name).is_dir():
            raise NoSamplesError(self.signal_dir(signal_name), signal_name, "no signal folder")

    @staticmethod
    def _prepare_splits_dir(splits_dir: Path) -> None:
        """Make ``splits/`` for a write; a read-only folder or an unusable ``active.json`` refuses."""
        try:
            splits_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SplitLockError(splits_dir, f"cannot create the splits folder: {exc.strerror or exc}") from None
        active = splits_dir / ACTIVE_NAME
        if active.is_dir() and not active.is_symlink():
            raise SplitFileError(active, "is a folder, so the active version cannot be recorded; move it away")

    @staticmethod
    def _refuse_existing(signal_name: str, splits_dir: Path) -> None:
        existing = version_numbers(splits_dir)
        if existing:
            raise SplitVersionExistsError(splits_dir / version_file_name(existing[0]),
                                          f"{signal_name} already has split versions (v{existing[-1]} is the newest)")

    def _create_initial_locked(self, signal_name, splits_dir, ids, val_ratio, random_seed, notes, plan=None) -> int:
        self._refuse_existing(signal_name, splits_dir)  # again under the lock: another writer may have won
        if plan is None:
            train, val = initial_membership(ids, val_ratio, random_seed)
        else:
            train, val = list(plan.train), list(plan.val)
        percent = round(100 * val_ratio)
        data = {
            "version": 1,
            "created_at": utc_timestamp(),
            "total_samples": len(ids),
            "train_samples": train,
            "val_samples": val,
            "train_count": len(train),
            "val_count": len(val),
            "val_ratio": len(val) / len(ids),
            "random_seed": random_seed,
            "notes": notes or f"Initial {100 - percent}/{percent} split",
        }
        if plan is not None:  # extra keys: the seed and the training service ignore them
            data["notes"] = notes or f"Initial {100 - percent}/{percent} split, grouped by {plan.group_by}"
            data.update(group_by=plan.group_by, group_count=plan.group_count, requested_val_ratio=val_ratio)
        path = write_new_version(splits_dir, data)
        point_active(splits_dir, SplitVersion(1, tuple(train), tuple(val), path, data))
        return 1

    def preview_extend(self, signal_name: str, new_sample_ids=None, exclude=()) -> ExtendPreview:
        """The version ``extend_split`` would write now, and what it would add; writes nothing."""
        return self._plan_extend(signal_name, new_sample_ids, exclude)[0]

    def extend_split(self, signal_name: str, new_sample_ids=None, *, expected_parent: int | None = None,
                     exclude=(), notes: str | None = None, check_samples: bool = True,
                     held_back: list | None = None, use_cache: bool = True, cache_dir: str | Path | None = None) -> int:
        """Add new samples to train as a new version; val stays as it is. Returns the version.

        ``expected_parent``: refuse with :class:`StaleSplitError` unless the active version
        is still this one (what the caller previewed). With no split yet, creates v1 like the
        seed did; a missing ``active.json`` never does. ``check_samples`` (default True, safe
        for the labeling backend): run the guard (:func:`.guard.check_extend`) first; samples
        training could not load, that leak into val or are marked exclude in review stay
        pending (appended to ``held_back`` when a list is given) and nothing is written when
        no sample is left. False: the seed's behaviour exactly (every pending sample goes in).
        """
        first_ids = None
        if check_samples:
            from .guard import check_extend  # imported when asked: it loads the audit's readers

            checked = check_extend(self, signal_name, new_sample_ids, hold_back=exclude, use_cache=use_cache,
                                   cache_dir=cache_dir)
            if held_back is not None:
                held_back.extend(checked.held_back)
            new_sample_ids = first_ids = list(checked.added)
            exclude = ()
        splits_dir = self.splits_dir(signal_name)
        self._require_signal(signal_name)
        if not version_numbers(splits_dir) and read_active_pointer(splits_dir).kind == "missing":
            # No split yet: refuse what can be refused before anything is made; the lock below
            # settles a race with another first writer (the loser extends, or hears "stale").
            if expected_parent not in (None, 0):
                raise StaleSplitError(splits_dir, expected_parent, 0)
            if not self.scan(signal_name).complete_ids:
                raise self._no_samples(signal_name)
        self._prepare_splits_dir(splits_dir)
        with split_lock(splits_dir):
            remove_stale_temps(splits_dir)
            preview, parent = self._plan_extend(signal_name, new_sample_ids, exclude, first_ids)
            if expected_parent is not None and preview.parent_version != expected_parent:
                raise StaleSplitError(splits_dir, expected_parent, preview.parent_version)
            if parent is None:
                if not preview.added:
                    raise self._no_samples(signal_name)
                return self._create_initial_locked(signal_name, splits_dir, preview.added, 0.2, 42, None)
            if preview.is_noop:
                if preview.note:  # a broken active.json is repaired even with nothing to add
                    point_active(splits_dir, parent)
                return parent.version
            train = list(parent.train) + list(preview.added)
            val = list(parent.val)
            total = len(train) + len(val)
            data = {
                "version": preview.new_version,
                "created_at": utc_timestamp(),
                "total_samples": total,
                "train_samples": train,
                "val_samples": val,
                "train_count": len(train),
                "val_count": len(val),
                "val_ratio": len(val) / total,
                "parent_version": parent.version,
                "samples_added": len(preview.added),
                "notes": notes or f"Extended from v{parent.version}, added {len(preview.added)} samples",
            }
            path = write_new_version(splits_dir, data)
            point_active(splits_dir, SplitVersion(preview.new_version, tuple(train), tuple(val), path, data))
            return preview.new_version

    def _plan_extend(self, signal_name, new_sample_ids, exclude, first_ids=None) -> tuple[ExtendPreview, SplitVersion | None]:
        """``first_ids``: what v1 is made of when there is no split yet (the guard's; else all)."""
        splits_dir = self.splits_dir(signal_name)
        resolution = self.resolve_active(signal_name)
        parent = resolution.version
        if parent is None:
            scan = self.scan(signal_name)
            ids = scan.complete if first_ids is None else [s for s in scan.complete if s in set(first_ids)]
            return ExtendPreview(signal_name, 0, 1, tuple(ids), 0, 0, resolution.note), None
        excluded = set(exclude)
        if new_sample_ids is None:
            candidates = new_complete_ids(self.signal_dir(signal_name), parent.train, parent.val, excluded)
        else:
            candidates = requested_ids(self.scan(signal_name), new_sample_ids, parent.known(), excluded)
        newest = max(version_numbers(splits_dir), default=0)
        return ExtendPreview(
            signal=signal_name,
            parent_version=parent.version,
            new_version=newest + 1 if candidates else parent.version,
            added=tuple(candidates),
            train_count=len(parent.train) + len(candidates),
            val_count=len(parent.val),
            note=resolution.note,
        ), parent

    def set_active_version(self, signal_name: str, version: int) -> None:
        """Point ``active.json`` at ``version`` (rollback); refused if its val differs from v1's."""
        splits_dir = self.splits_dir(signal_name)
        self._activatable(signal_name, version)  # refuse before the lock: a refusal creates no folder or lock file
        self._prepare_splits_dir(splits_dir)
        with split_lock(splits_dir):
            remove_stale_temps(splits_dir)
            point_active(splits_dir, self._activatable(signal_name, version))

    def _activatable(self, signal_name: str, version: int) -> SplitVersion:
        target = self.read_version(signal_name, version)
        first = target if version == 1 else self.read_version(signal_name, 1)
        if set(target.val) != set(first.val):
            raise SplitStateError(target.path, f"its validation set differs from v1's; refusing to make v{version} active")
        return target

    def _resolve_active_warning(self, signal_name: str) -> ActiveResolution:
        resolution = self.resolve_active(signal_name)
        if resolution.recovered:
            warnings.warn(resolution.note, RecoveredActiveWarning, stacklevel=3)
        return resolution
