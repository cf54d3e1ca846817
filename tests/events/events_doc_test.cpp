// docs/events.md names every event type of the catalog: a type added to
// events/catalog.hpp without its line in the reference fails here.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "events/catalog.hpp"

namespace {

template <class... Ts> std::vector<std::string> names_of(const std::variant<Ts...>*) {
  return {std::string{Ts::type_name}...};
}

} // namespace

TEST_CASE("docs/events.md names every event type of the catalog") {
  std::ifstream in{std::string{HOTLINE_DOCS_DIR} + "/events.md"};
  REQUIRE_MESSAGE(in.good(), "cannot read " HOTLINE_DOCS_DIR "/events.md");
  std::stringstream text;
  text << in.rdbuf();
  const auto doc = text.str();
  for (const auto& name : names_of(static_cast<const hotline::events::event*>(nullptr)))
    CHECK_MESSAGE(doc.find("`" + name + "`") != std::string::npos,
                  "docs/events.md does not name `" << name << "`");
}
