"""A campaign (one year of 科创中国) is data: one TOML file per campaign beside this module
(kczg-2021.toml, with its notice's text), read by kczg.campaigns.files and loaded by
kczg.operations.campaigns. kczg.campaigns.scope answers every "this year's …" question and
kczg.campaigns.facts keeps each campaign's lists, domains, bodies and calendar in memory.
"""
