-- expect: refuses COPY|outside the case database
COPY (SELECT '<h1>owned</h1>' AS x) TO '{{CASE}}/report.html' (HEADER false, QUOTE '')
