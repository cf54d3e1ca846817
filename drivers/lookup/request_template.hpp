#pragma once
/// Filling an HTTP lookup's templates with the session's variables so that
/// no value can change the request's shape: in the URL every value is
/// percent-encoded (RFC 3986: only unreserved characters stay), in the
/// JSON body every value is escaped as the content of a JSON string (the
/// template must put each `${variable}` inside quotes: the configuration
/// check refuses a body that is not JSON with the variables empty).
#include <map>
#include <string>

namespace hotline::drivers::lookup {

/// RFC 3986 percent-encoding of everything but A-Z a-z 0-9 - . _ ~
std::string url_encode(const std::string& value);

/// `url` with each `${name}` replaced by url_encode(vars[name]).
std::string fill_url(const std::string& url, const std::map<std::string, std::string>& vars);

/// `body` with each `${name}` replaced by vars[name] escaped for the
/// inside of a JSON string (quotes, backslashes, control characters).
std::string fill_json(const std::string& body, const std::map<std::string, std::string>& vars);

} // namespace hotline::drivers::lookup
