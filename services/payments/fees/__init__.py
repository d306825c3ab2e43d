"""Fee profiles: what a school's students pay per term (integer fen, optional breakdown) and who pays it —
each student before capture, the class after capture by the photographed count, or the school in advance."""
