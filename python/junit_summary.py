"""Prints a pytest JUnit XML report as ctest's summary line
("N% tests passed, F tests failed out of T"), so run-tests.sh's grand total
counts the Python tests with the C ones."""
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
total = failed = 0
for s in suites:
    total += int(s.get("tests", 0)) - int(s.get("skipped", 0))
    failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
print("%d%% tests passed, %d tests failed out of %d"
      % (100 * (total - failed) // max(total, 1), failed, total))
