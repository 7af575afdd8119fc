"""What tests build their data and drive their browsers with (not a Django app, never imported
by the application).

- world.py: the small world of users, organisations, questionnaires, campaigns, suppliers,
  personal links and responses; the one place tests build data (like a base test case).
- definitions.py: small questionnaire definitions that several test modules answer.
- browser.py: Playwright helpers (pages, viewports, the accessibility check, logging in).
- urls.py: every named URL pattern, for the tests that cover each URL as it is added.
- supplier_files.py: supplier lists as files, as buyers save them and attackers shape them.
- xlsform.py: XLSForm workbooks built by hand, as in Excel or KoboToolbox.

conftest.py turns the world into fixtures (org_a, alice, campaign_a, suppliers...). A test
module imports builders from here, never from another test module (scripts/check_imports.py).
"""
