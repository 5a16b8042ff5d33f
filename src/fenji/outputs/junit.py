"""JUnit XML: a test suite per card, a test case per regime; findings are failures."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from fenji.outputs.base import Item


def render_junit(items: list[Item], lang: str) -> str:
    suites = ET.Element("testsuites", name="fenji")
    for item in items:
        a = item.assessment
        suite = ET.SubElement(suites, "testsuite", name=a.system_id, tests=str(len(a.regimes)))
        failures = 0
        for regime_id, result in a.regimes.items():
            case = ET.SubElement(suite, "testcase", classname=a.system_id, name=regime_id)
            mine = [f for f in item.findings if f.regime == regime_id]
            if mine:
                failures += 1
                failure = ET.SubElement(case, "failure", message=mine[0].message.get(lang), type=mine[0].kind)
                failure.text = "\n".join(f"{f.rule_id}: {f.message.get(lang)}" for f in mine)
            else:
                ET.SubElement(case, "system-out").text = f"tier {result.tier} ({result.status})"
        suite.set("failures", str(failures))
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
