"""Reading a drawing or a picture: preprocessing, lines and pieces, the classifier and verifier."""
