// Books as JSON, for comparing a session with another tool and for diffing failures:
//   {"sequence":123,"exact_depth":null,"bids":[["29999.6","1.70001689"],...],"asks":[...]}
// bids and asks best first; prices and sizes as exact decimal strings (no trailing zeros);
// exact_depth the levels per side known exact, null when the whole book is. Pure.
#pragma once

#include <string>
#include <string_view>

#include "kucoin/book/book_tracker.hpp"

namespace kucoin {

// Appends the object of one book.
void append_book_json(std::string& out, const BookView& view);

}  // namespace kucoin
