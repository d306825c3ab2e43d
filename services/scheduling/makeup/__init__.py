"""The make-up calendar (补拍/散拍) at the agency's office: half-day windows with seats; a student books, moves
or cancels one seat; seats never oversell (a single conditional UPDATE takes a seat)."""
