"""Stage 2 and 3: gettext catalogs of the model, their checks, and the translated
document made from them (with its review sign-off)."""
