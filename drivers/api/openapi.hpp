#pragma once
/// The OpenAPI 3 document of the node API, written from the route table
/// itself (node_api::routes), so the document and the routes cannot
/// drift apart; a test checks every documented route answers.
#include <string>
#include <vector>

#include "drivers/api/node_api.hpp"

namespace hotline::drivers::api {

std::string openapi_document(const std::vector<route_info>& routes);

} // namespace hotline::drivers::api
