-- expect: refuses COPY|outside the case database
COPY events TO '{{OUT}}/events.csv'
