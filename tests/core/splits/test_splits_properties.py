"""Random sequences of create / add samples / extend / activate / lose active.json keep the rules.

After every step: val never changes after v1 (same IDs, same order); each version's train and
val never overlap and together are exactly the samples the model says it took; a version's
train starts with its parent's; versions are numbered 1..n with no gap; the active version
and the pending samples are what the model expects.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from specgui.core.splits.verify import verify_splits
from specgui.core.splits.manager import RecoveredActiveWarning, SplitManager
from tests.cli.test_cli_split import touch_samples


class SplitMachine(RuleBasedStateMachine):
    @initialize()
    def start(self):
        self.root = Path(tempfile.mkdtemp(prefix="specgui-props-"))
        self.signal_dir = self.root / "sig"
        self.manager = SplitManager(self.root)
        self.on_disk: set[str] = set()
        self.known: dict[int, set[str]] = {}  # version -> the IDs it must hold
        self.parent: dict[int, int] = {}
        self.active: int | None = None
        self.active_lost = False
        self.counter = 0

    def teardown(self):
        shutil.rmtree(getattr(self, "root", ""), ignore_errors=True)

    def _read(self, version: int) -> dict:
        return json.loads((self.signal_dir / "splits" / f"v{version}.json").read_text())

    @rule(count=st.integers(1, 6), hex_ids=st.booleans())
    def add_samples(self, count, hex_ids):
        ids = []
        for _ in range(count):
            self.counter += 1
            ids.append(f"{self.counter * 2654435761 % 2**64:016x}" if hex_ids else f"{self.counter:04d}")
        touch_samples(self.signal_dir, ids)
        self.on_disk.update(ids)

    @precondition(lambda self: not self.known and self.on_disk)
    @rule(ratio=st.sampled_from([0.1, 0.2, 0.5]), seed=st.integers(0, 1000))
    def create(self, ratio, seed):
        assert self.manager.create_initial_split("sig", ratio, seed) == 1
        self.known[1] = set(self.on_disk)
        self.active = 1

    @precondition(lambda self: self.known)
    @rule(data=st.data())
    def extend(self, data):
        parent = max(self.known) if self.active_lost else self.active
        pending = sorted(self.on_disk - self.known[parent])
        chosen = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(pending), unique=True) if pending else st.none()))
        added = set(pending if chosen is None else chosen)
        result = self.manager.extend_split("sig", chosen)
        if added:
            assert result == max(self.known) + 1
            self.known[result] = self.known[parent] | added
            self.parent[result] = parent
        else:
            assert result == parent
        self.active, self.active_lost = result, False

    @precondition(lambda self: self.known)
    @rule(data=st.data())
    def activate(self, data):
        version = data.draw(st.sampled_from(sorted(self.known)))
        self.manager.set_active_version("sig", version)
        self.active, self.active_lost = version, False

    @precondition(lambda self: self.known and not self.active_lost)
    @rule()
    def lose_active_json(self):
        os.unlink(self.signal_dir / "splits" / "active.json")
        self.active_lost = True

    @invariant()
    def versions_follow_the_rules(self):
        if not getattr(self, "known", None):
            return
        names = sorted(p.name for p in (self.signal_dir / "splits").glob("v*.json"))
        assert names == sorted(f"v{n}.json" for n in range(1, len(self.known) + 1))
        v1_val = self._read(1)["val_samples"]
        for number, expected in self.known.items():
            data = self._read(number)
            train, val = data["train_samples"], data["val_samples"]
            assert val == v1_val
            assert not set(train) & set(val) and len(set(train)) == len(train)
            assert set(train) | set(val) == expected
            if number in self.parent:
                parent_train = self._read(self.parent[number])["train_samples"]
                assert train[: len(parent_train)] == parent_train and data["parent_version"] == self.parent[number]

    @invariant()
    def active_and_pending_are_as_expected(self):
        if not getattr(self, "known", None):
            return
        expected = max(self.known) if self.active_lost else self.active
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert self.manager.get_active_split_version("sig") == expected
            assert self.manager.get_pending_samples("sig") == sorted(self.on_disk - self.known[expected])
        assert any(w.category is RecoveredActiveWarning for w in caught) == self.active_lost
        kinds = {p.kind for p in verify_splits(self.signal_dir).problems}
        assert kinds == ({"active_missing"} if self.active_lost else set())


SplitMachine.TestCase.settings = settings(max_examples=30, stateful_step_count=15, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
test_split_rules_hold_over_random_sequences = SplitMachine.TestCase
