"""analysis/forcefield.py: weighing a force field (no Flask)."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.forcefield import DRIVING, RESTRAINING, Posted, aggregate, merged, share


def test_a_force_the_whole_room_backs_weighs_twice_its_strength():
    field = aggregate([Posted(1, DRIVING, 4, frozenset(range(10, 50))),
                       Posted(2, RESTRAINING, 4)], people=40)
    assert field.driving[0].weight == 8 and field.restraining[0].weight == 4
    assert field.driving[0].length == 1 and field.restraining[0].length == 0.5
    assert field.balance == 4


def test_merged_duplicates_average_their_strengths_and_unite_their_agreements():
    forces = [Posted(1, RESTRAINING, 5, frozenset({7, 8})), Posted(2, RESTRAINING, 2, frozenset({8, 9})),
              Posted(3, RESTRAINING, 3, merged_into=2)]
    field = aggregate(merged(forces, keep=1, gone=2), people=10)
    [kept] = field.restraining
    assert (kept.id, kept.ratings, kept.agreements, kept.merged) == (1, 3, 3, (2, 3))
    assert kept.mean_strength == round(10 / 3, 6)


def test_hidden_forces_count_nowhere_unless_the_facilitator_asks():
    forces = [Posted(1, DRIVING, 5, hidden=True), Posted(2, DRIVING, 1)]
    assert [f.id for f in aggregate(forces, 5).driving] == [2]
    shown = aggregate(forces, 5, include_hidden=True)
    assert [f.id for f in shown.driving] == [1, 2] and shown.driving_sum == 1


def test_thirty_forces_from_forty_phones_strongest_first():
    forces = [Posted(n, DRIVING if n % 2 else RESTRAINING, 1 + n % 5, frozenset(range(n % 7))) for n in range(30)]
    field = aggregate(forces, people=40)
    assert len(field.driving) + len(field.restraining) == 30
    for side in (field.driving, field.restraining):
        assert [f.weight for f in side] == sorted((f.weight for f in side), reverse=True)
    assert share(50, 40) == 1 and share(3, 0) == 0


forces_strategy = st.lists(
    st.tuples(st.sampled_from([DRIVING, RESTRAINING]), st.integers(1, 5),
              st.frozensets(st.integers(0, 39), max_size=40), st.booleans()),
    max_size=30,
).map(lambda rows: [Posted(i + 1, side, strength, agreers, hidden=hidden)
                    for i, (side, strength, agreers, hidden) in enumerate(rows)])


def swapped(forces):
    return [replace(f, side=RESTRAINING if f.side == DRIVING else DRIVING) for f in forces]


@settings(max_examples=200, deadline=None)
@given(forces_strategy, st.integers(0, 70))
def test_the_balance_is_antisymmetric_when_sides_swap(forces, people):
    field, mirror = aggregate(forces, people), aggregate(swapped(forces), people)
    assert mirror.balance == -field.balance
    assert (mirror.driving_sum, mirror.restraining_sum) == (field.restraining_sum, field.driving_sum)
    assert all(0 < f.length <= 1 for f in field.driving + field.restraining)


@settings(max_examples=200, deadline=None)
@given(forces_strategy, st.integers(1, 70), st.data())
def test_merging_never_loses_agreements_or_ratings(forces, people, data):
    same_side = [(a, b) for a in forces for b in forces if a.id != b.id and a.side == b.side]
    if not same_side:
        return
    keep, gone = data.draw(st.sampled_from(same_side))
    after = aggregate(merged(forces, keep.id, gone.id), people, include_hidden=True)
    [kept] = [f for f in after.side(keep.side) if f.id == keep.id]
    assert kept.agreements == len(keep.agreers | gone.agreers) >= max(len(keep.agreers), len(gone.agreers))
    assert kept.ratings == 2 and gone.id in kept.merged
    before = aggregate(forces, people, include_hidden=True)
    assert sum(f.ratings for f in after.driving + after.restraining) == len(forces)
    assert len(after.driving) + len(after.restraining) == len(before.driving) + len(before.restraining) - 1
