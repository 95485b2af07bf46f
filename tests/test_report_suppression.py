"""Small counts never leave staff: 1 to 4 students are hidden, zero and 5 or more are shown, and a lone hidden
cell in a group with its total takes the next smallest with it, so subtraction finds nothing."""

from portfolio.services.reports import suppression


def test_one_to_four_are_hidden_alone():
    assert [suppression.cell(n).text for n in (0, 1, 4, 5, 1234)] == ["0", "fewer than 5", "fewer than 5", "5", "1,234"]


def test_a_lone_hidden_cell_takes_the_next_smallest_with_it():
    # 3 would be 40 - (12 + 25): the 12 is hidden too; the zero stays (it gives nothing away).
    assert [c.hidden for c in suppression.group([12, 3, 25, 0])] == [True, True, False, False]
    # Two hidden already: neither can be worked out alone.
    assert [c.hidden for c in suppression.group([2, 3, 25])] == [True, True, False]
    # No total beside them: nothing more is hidden.
    assert [c.hidden for c in suppression.group([12, 3, 25], total_shown=False)] == [False, True, False]
    assert [c.hidden for c in suppression.group([7, 9])] == [False, False]
