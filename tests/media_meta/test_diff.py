from media_meta.cues import CueData
from media_meta.diff import diff_cues


def cue(start, text, speaker="Intervenante", end=None):
    return CueData(start_ms=start, end_ms=end or start + 900, text=text, speaker=speaker, line=1)


BEFORE = [cue(0, "Bonjour à toutes."), cue(1000, "Le DSA protège."), cue(2000, "Une ligne retirée."), cue(3000, "Merci.")]


def test_each_kind_of_change_is_found_and_counted():
    after = [
        cue(0, "Bonjour à toutes."),
        cue(1000, "Le DSA protège les victimes."),  # text
        cue(3100, "Merci.", end=3900),  # times
        cue(4000, "Une ligne ajoutée."),  # added
    ]
    diff = diff_cues(BEFORE, after)
    assert diff.counts == {"added": 1, "removed": 1, "text": 1, "times": 1}
    assert diff.unchanged == 1
    kinds = [(c.kind, c.before.text if c.before else None, c.after.text if c.after else None) for c in diff.changes]
    assert ("text", "Le DSA protège.", "Le DSA protège les victimes.") in kinds
    assert ("removed", "Une ligne retirée.", None) in kinds
    assert ("added", None, "Une ligne ajoutée.") in kinds
    assert ("times", "Merci.", "Merci.") in kinds


def test_the_same_transcript_has_no_change_and_spacing_or_case_do_not_count():
    again = [cue(c.start_ms, c.text.upper().replace(" ", "  "), c.speaker) for c in BEFORE]
    assert diff_cues(BEFORE, again).same
    assert diff_cues([], []).same


def test_a_changed_speaker_is_a_change_of_text():
    diff = diff_cues(BEFORE[:1], [cue(0, "Bonjour à toutes.", speaker="Animation")])
    assert diff.counts["text"] == 1


def test_too_long_transcripts_are_not_aligned():
    diff = diff_cues(BEFORE, BEFORE[:2], max_cues=3)
    assert not diff.compared and not diff.same and not diff.changes
