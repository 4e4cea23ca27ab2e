-- A family's adults and children are joined through the child (the family page).
CREATE INDEX adult_child_child ON adult_child (child_id);
