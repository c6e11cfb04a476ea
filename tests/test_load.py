"""Loading and validation: every rule reports the right line and field; YAML and JSON agree."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import jsonschema
import pytest
import yaml

from iapreport import model
from iapreport.loader import DataError, json_schema, load, load_file, load_text

from conftest import ASTRELIA, KZ, VERIDIA

MINIMAL = textwrap.dedent("""\
    format: iapreport/1
    country: KZ
    round: 4
    meetings:
      - number: 19
        start: 2018-07-03
        end: 2018-07-05
        place: {en: Paris, ru: Париж}
        experts:
          - name: Jane Doe
            affiliation: {en: Ukraine, ru: Украина}
    chapters:
      - number: 1
        title: {en: Policy, ru: Политика}
        recommendations:
          - number: 1
            title: {en: Policy documents, ru: Программные документы}
            text: {en: "1. Adopt a strategy.", ru: "1. Принять стратегию."}
            updates:
              - meeting: 19
                rating: progress
                government_report: {en: "1) Done.", ru: "1) Сделано."}
                assessment: {en: "1.1. Good.", ru: "1.1. Хорошо."}
    """)


def problems_of(text: str, name: str = "report.yaml"):
    return load_text(text, name).problems


def only_error(text: str):
    errors = [p for p in problems_of(text) if p.severity == "error"]
    assert len(errors) == 1, [str(p) for p in errors]
    return errors[0]


def test_minimal_is_valid():
    result = load_text(MINIMAL, "report.yaml")
    assert result.problems == []
    assert result.report.chapters[0].recommendations[0].number == "1"


# -- samples -----------------------------------------------------------------------------------


def test_kazakhstan_sample_matches_the_reference():
    report = load(KZ)
    assert report.country == "KZ" and report.round == 4 and report.original_language == "ru"
    assert [c.number for c in report.chapters] == ["1", "2", "3", "4"]
    numbers = [r.number for _, r in report.recommendations()]
    assert numbers == [str(n) for n in range(1, 30)]
    assert [len(c.recommendations) for c in report.chapters] == [6, 9, 13, 1]
    meeting = report.meetings[0]
    assert (meeting.number, meeting.start, meeting.end) == (19, dt.date(2018, 7, 3), dt.date(2018, 7, 5))
    assert meeting.place.get("en") == "Paris" and len(meeting.experts) == 4
    ratings = {r.number: r.updates[0].rating for _, r in report.recommendations()}
    progress = {"1", "2", "4", "7", "10", "14", "15", "18", "26", "29"}
    assert {n for n, v in ratings.items() if v == "progress"} == progress
    assert {n for n, v in ratings.items() if v == "significant_progress"} == {"5"}
    assert sum(v == "lack_of_progress" for v in ratings.values()) == 18
    titles = {r.number: r.title.get("en") for _, r in report.recommendations()}
    assert titles["5"] == "Raising awareness"
    assert titles["6"] == "Specialised agency for policy development and coordination"
    assert titles["29"] == "Higher education sector"


def test_kazakhstan_sample_is_bilingual_and_realistic():
    result = load_file(KZ)
    assert result.problems == []  # no missing language anywhere
    long_ones = [r for _, r in result.report.recommendations()
                 if len(r.updates[0].government_report.get("en")) > 3000]
    assert len(long_ones) >= 6
    for _, rec in result.report.recommendations():
        for lang in ("en", "ru"):
            assert rec.text.get(lang) and rec.updates[0].assessment.get(lang)


def test_veridia_sample_has_three_meetings_everywhere():
    report = load(VERIDIA)
    assert [m.number for m in report.meetings] == [22, 23, 24]
    assert all(len(r.updates) == 3 for _, r in report.recommendations())
    assert "2.1" in [r.number for _, r in report.recommendations()]


def test_yaml_and_json_give_the_same_model(tmp_path):
    raw = yaml.safe_load(KZ.read_text(encoding="utf-8"))
    path = tmp_path / "kazakhstan-2018.json"
    path.write_text(json.dumps(raw, default=str, ensure_ascii=False, indent=1), encoding="utf-8")
    assert load(path) == load(KZ)


# -- one test per rule, with its line and field --------------------------------------------------


def test_yaml_syntax_error_is_located():
    text = MINIMAL.replace("round: 4", "round: [4")
    problem = problems_of(text)[0]
    assert problem.message.startswith("YAML syntax error")
    assert problem.line in (3, 4)


def test_json_syntax_error_is_located():
    problem = load_text('{\n  "format": "iapreport/1",\n  "country": "KZ",,\n}', "r.json").problems[0]
    assert problem.message.startswith("JSON syntax error")
    assert (problem.line, problem.file) == (3, "r.json")


def test_unknown_field_is_reported_with_a_hint():
    errors = [p for p in problems_of(MINIMAL.replace("rating: progress", "ratng: progress"))]
    # the typo, and the rating it leaves missing
    assert [p.path for p in errors] == ["chapters[0].recommendations[0].updates[0].rating",
                                        "chapters[0].recommendations[0].updates[0].ratng"]
    problem = errors[1]
    assert problem.line == 21 and problem.column == 13
    assert problem.path == "chapters[0].recommendations[0].updates[0].ratng"
    assert "unknown field" in problem.message and "did you mean 'rating'" in problem.hint


@pytest.mark.parametrize("old,new,line,path,message", [
    ("round: 4", "round: four", 3, "round", "expected an integer"),
    ("start: 2018-07-03", "start: 2018-02-30", 6, "meetings[0].start", "not a valid date"),
    ("end: 2018-07-05", "end: 2018-07-01", 7, "meetings[0].end", "ends (2018-07-01) before it starts"),
    ("rating: progress", "rating: sgnificant_progress", 21, "chapters[0].recommendations[0].updates[0].rating",
     "unknown rating 'sgnificant_progress'"),
], ids=["wrong-type", "invalid-date", "ends-before-start", "unknown-rating"])
def test_one_rule_one_located_error(old, new, line, path, message):
    problem = only_error(MINIMAL.replace(old, new))
    assert (problem.line, problem.path) == (line, path)
    assert message in problem.message


def test_unknown_rating_hint_lists_the_scale():
    problem = only_error(MINIMAL.replace("rating: progress", "rating: sgnificant_progress"))
    assert "did you mean 'significant_progress'?" in problem.hint and "lack_of_progress" in problem.hint


def test_duplicate_numbers_are_reported():
    doubled = MINIMAL + textwrap.indent(MINIMAL.split("chapters:\n", 1)[1], "")
    problems = [p for p in problems_of(doubled) if p.severity == "error"]
    messages = {(p.path, p.line) for p in problems}
    assert ("chapters[1].number", 24) in messages
    assert ("chapters[1].recommendations[0].number", 27) in messages
    assert all("duplicate" in p.message for p in problems)


def test_duplicate_meeting_number():
    meeting = MINIMAL.split("meetings:\n", 1)[1].split("chapters:", 1)[0].replace("2018-07", "2019-07")
    text = MINIMAL.replace("chapters:\n", meeting + "chapters:\n", 1)
    problem = only_error(text)
    assert problem.path == "meetings[1].number" and "duplicate meeting number 19" in problem.message
    assert (problem.line, problem.column) == (12, 13)


def test_update_naming_an_undefined_meeting():
    problem = only_error(MINIMAL.replace("- meeting: 19", "- meeting: 20"))
    assert (problem.line, problem.path) == (20, "chapters[0].recommendations[0].updates[0].meeting")
    assert "no meeting number 20" in problem.message


def test_missing_language_is_a_warning_per_language_and_an_error_when_strict(tmp_path):
    text = MINIMAL.replace('assessment: {en: "1.1. Good.", ru: "1.1. Хорошо."}', 'assessment: {en: "1.1. Good."}')
    result = load_text(text, "report.yaml")
    assert result.report is not None
    (warning,) = result.warnings
    assert warning.path == "chapters[0].recommendations[0].updates[0].assessment"
    assert "no 'ru' text" in warning.message and warning.line == 23
    path = tmp_path / "report.yaml"
    path.write_text(text, encoding="utf-8")
    load(path)  # fine without strict
    with pytest.raises(DataError):
        load(path, strict=True)


def test_missing_required_field():
    problem = only_error(MINIMAL.replace("    place: {en: Paris, ru: Париж}\n", ""))
    assert problem.path == "meetings[0].place" and "required" in problem.message
    assert problem.line == 5  # the meeting that lacks it


def test_duplicate_key_is_not_silently_overwritten():
    problem = only_error(MINIMAL.replace("round: 4", "round: 4\nround: 5"))
    assert (problem.line, problem.path) == (4, "round") and "duplicate key" in problem.message


def test_plain_string_prose_is_rejected():
    problem = only_error(MINIMAL.replace('text: {en: "1. Adopt a strategy.", ru: "1. Принять стратегию."}',
                                         'text: "1. Adopt a strategy."'))
    assert problem.path == "chapters[0].recommendations[0].text"


def test_dotted_numbers_and_bad_labels():
    assert load_text(MINIMAL.replace("- number: 1\n        title: {en: Policy d", '- number: "1.1"\n        title: {en: Policy d'),
                     "r.yaml").report.chapters[0].recommendations[0].number == "1.1"
    problem = only_error(MINIMAL.replace("- number: 1\n        title: {en: Policy d", '- number: "one"\n        title: {en: Policy d'))
    assert problem.path == "chapters[0].recommendations[0].number"


def test_unknown_country_needs_a_name():
    problem = only_error(MINIMAL.replace("country: KZ", "country: XV"))
    assert problem.path == "country"
    assert load_text(MINIMAL.replace("country: KZ", "country: XV\ncountry_name: Veridia"), "r.yaml").report


def test_unknown_scale():
    problem = only_error(MINIMAL.replace("round: 4", "round: 4\nrating_scale: stars"))
    assert problem.path == "rating_scale" and "progress" in problem.hint


def test_compliance_scale_accepts_its_values():
    text = MINIMAL.replace("round: 4", "round: 4\nrating_scale: compliance").replace(
        "rating: progress", "rating: largely_implemented")
    assert load_text(text, "r.yaml").report.rating_scale == "compliance"


def test_wrong_format_version():
    problem = only_error(MINIMAL.replace("format: iapreport/1", "format: iapreport/9"))
    assert (problem.line, problem.path) == (1, "format")


def test_all_problems_are_reported_at_once():
    text = (MINIMAL.replace("round: 4", "round: x").replace("rating: progress", "rating: good")
            .replace("end: 2018-07-05", "end: 2018-07-01"))
    errors = [p for p in problems_of(text) if p.severity == "error"]
    assert {p.path for p in errors} == {"round", "meetings[0].end",
                                        "chapters[0].recommendations[0].updates[0].rating"}


# -- hostile files -----------------------------------------------------------------------------


def test_alias_bomb_is_rejected():
    update = "{meeting: 19, rating: progress, government_report: {en: a}, assessment: {en: b}}"
    rec = "{number: 1, title: {en: t}, text: {en: x}, updates: [" + ", ".join(["*u"] * 100) + "]}"
    chapter = "{number: 1, title: {en: t}, recommendations: [" + ", ".join(["*r"] * 100) + "]}"
    bomb = MINIMAL.split("chapters:")[0] + (
        f"defs: [&u {update}, &r {rec}, &c {chapter}]\n"
        "chapters: [" + ", ".join(["*c"] * 100) + "]\n")
    problems = problems_of(bomb)
    # (whichever limit the aliases cross first: values, or characters repeated)
    assert any(("expands to more than" in p.message or "aliases repeat more than" in p.message)
               and "at the alias *" in p.message and p.line > 1 for p in problems), [str(p) for p in problems]


def test_unsafe_tags_are_not_constructed(tmp_path):
    marker = tmp_path / "constructed"
    text = MINIMAL.replace("country: KZ", f"country: !!python/object/apply:os.system ['touch {marker}']")
    (problem,) = problems_of(text)
    assert problem.path == "country" and "expected a string" in problem.message
    assert not marker.exists()


def test_large_file_is_rejected(tmp_path, monkeypatch):
    from iapreport import loader as load_module

    monkeypatch.setattr(load_module, "MAX_FILE_SIZE", 1000)
    path = tmp_path / "big.yaml"
    path.write_text(MINIMAL + "#" * 2000 + "\n", encoding="utf-8")
    (problem,) = load_file(path).problems
    assert "larger than" in problem.message


def test_binary_and_missing_files(tmp_path):
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"format: \xff\xfe\n")
    (problem,) = load_file(path).problems
    assert "UTF-8" in problem.message and problem.line == 1
    (problem,) = load_file(tmp_path / "nope.yaml").problems
    assert "cannot read" in problem.message
    (problem,) = load_file(tmp_path).problems
    assert "cannot read" in problem.message


def test_deep_nesting_and_empty_files():
    assert problems_of("[" * 5000 + "]" * 5000)
    assert "empty" in problems_of("")[0].message
    assert "expected a mapping" in problems_of("- 1\n- 2\n")[0].message


# -- JSON Schema -----------------------------------------------------------------------------------


def _validator():
    return jsonschema.Draft202012Validator(json_schema(), format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("sample", [KZ, VERIDIA, ASTRELIA], ids=lambda p: p.stem)
def test_schema_accepts_the_samples(sample):
    raw = json.loads(json.dumps(yaml.safe_load(sample.read_text(encoding="utf-8")), default=str))
    errors = list(_validator().iter_errors(raw))
    assert errors == []


@pytest.mark.parametrize("change", [
    ("rating: progress", "ratng: progress"),
    ("round: 4", "round: four"),
    ("start: 2018-07-03", "start: '2018-02-30'"),
    ("rating: progress", "rating: good"),
    ("country: KZ", "country: Kazakhstan"),
    ("format: iapreport/1", "format: iapreport/9"),
])
def test_schema_rejects_bad_inputs(change):
    text = MINIMAL.replace(*change)
    raw = json.loads(json.dumps(yaml.safe_load(text), default=str))
    assert list(_validator().iter_errors(raw)), change
    assert any(p.severity == "error" for p in problems_of(text))


def test_localized_helper():
    loc = model.Localized.of({"en": "A", "ru": "Б"})
    assert loc.get("ru") == "Б" and loc.get("uk") is None and loc.languages == ("en", "ru")
    assert model.Localized.of("Name").get("uk") == "Name"


def test_mangled_files_never_raise():
    """Random deletions and insertions in a valid file: always problems, never an exception."""
    import random

    rng = random.Random(7)
    junk = [":", "-", "[", "{", "&a", "*a", "!!binary", "\t", "'", '"', "\n  ", "? ", "|", ">", "%", "@"]
    for _ in range(300):
        text = list(MINIMAL)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(text))
            if rng.random() < 0.5:
                del text[at:at + rng.randint(1, 8)]
            else:
                text.insert(at, rng.choice(junk))
        result = load_text("".join(text), "fuzz.yaml")
        assert result.report is not None or result.errors


def test_control_characters_from_json_escapes_are_reported():
    raw = yaml.safe_load(MINIMAL)
    update = raw["chapters"][0]["recommendations"][0]["updates"][0]
    update["assessment"] = {"en": "bad \u0001 here", "ru": "ок"}
    (problem,) = load_text(json.dumps(raw, default=str, indent=1), "r.json").problems
    assert problem.path == "chapters[0].recommendations[0].updates[0].assessment.en"
    assert "control character U+0001" in problem.message
    update["assessment"] = {"en": "fine", "ru": "\ud800"}  # a lone surrogate
    (problem,) = load_text(json.dumps(raw, default=str, indent=1), "r.json").problems
    assert problem.message.startswith("JSON syntax error") and problem.line > 1


def test_meetings_must_be_in_chronological_order():
    meeting = (MINIMAL.split("meetings:\n", 1)[1].split("chapters:", 1)[0]
               .replace("number: 19", "number: 20").replace("2018-07", "2017-07"))
    problem = only_error(MINIMAL.replace("chapters:\n", meeting + "chapters:\n", 1))
    assert (problem.path, problem.line) == ("meetings[1].start", 13)
    assert "chronological order" in problem.message


@pytest.mark.parametrize("raw,shown", [("010", "'010'"), ("0x13", "'0x13'")])
def test_yaml_octal_and_hex_numbers_are_refused(raw, shown):
    problem = only_error(MINIMAL.replace("- meeting: 19", f"- meeting: {raw}"))
    assert problem.path.endswith("updates[0].meeting") and shown in problem.message
    problem = only_error(MINIMAL.replace("      - number: 1\n", f"      - number: {raw}\n"))
    assert problem.path == "chapters[0].recommendations[0].number"


def test_titles_and_names_are_kept_on_one_line():
    text = MINIMAL.replace("title: {en: Policy, ru: Политика}",
                           "title:\n      en: |\n        Policy and\n        its monitoring\n      ru: Политика")
    report = load_text(text, "r.yaml").report
    assert report.chapters[0].title.get("en") == "Policy and its monitoring"


@pytest.mark.parametrize("code", ["ZZ", "EU", "UN", "XA"])
def test_codes_that_name_no_country_need_a_name(code):
    problem = only_error(MINIMAL.replace("country: KZ", f"country: {code}"))
    assert problem.path == "country"


def test_original_language_absent_from_the_data_is_a_warning():
    result = load_text(MINIMAL.replace("round: 4", "round: 4\noriginal_language: de"), "r.yaml")
    (warning,) = result.warnings
    assert warning.path == "original_language" and "'de'" in warning.message


def test_yaml_merge_keys_are_expanded():
    text = MINIMAL.replace("    experts:\n      - name: Jane Doe\n        affiliation: {en: Ukraine, ru: Украина}",
                           "    experts:\n      - &jane\n        name: Jane Doe\n        affiliation: {en: Ukraine, ru: Украина}\n"
                           "      - <<: *jane\n        name: John Roe")
    report = load_text(text, "r.yaml").report
    names = [e.name.get("en") for e in report.meetings[0].experts]
    assert names == ["Jane Doe", "John Roe"]
    assert report.meetings[0].experts[1].affiliation.get("ru") == "Украина"


def test_json_with_escaped_astral_characters_loads():
    raw = yaml.safe_load(MINIMAL)
    raw["chapters"][0]["title"] = {"en": "Policy \U0001F600 \\u plus", "ru": "Политика"}
    text = json.dumps(raw, default=str, indent=1)  # ensure_ascii: "\ud83d\ude00"
    assert "\\ud83d\\ude00" in text
    report = load_text(text, "r.json").report
    assert report.chapters[0].title.get("en") == "Policy \U0001F600 \\u plus"
