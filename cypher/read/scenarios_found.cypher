// Which of these scenario ids ($ids) are taken (one primary-key lookup each).
UNWIND $ids AS i
MATCH (s:Scenario {id: i})
RETURN s.id AS id
