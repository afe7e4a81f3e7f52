#!/bin/sh
# Maakt de PDF van het jaarverslag; stopt bij de eerste waarschuwing.
kcvs-pdf -W error jaarverslag-2026/report.xml -o out/jaarverslag-2026.pdf
