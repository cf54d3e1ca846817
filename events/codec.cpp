#include "events/codec.hpp"

#include <cstring>
#include <map>
#include <unordered_map>

#include "events/checksum.hpp"
#include "events/legacy_events.hpp"

namespace hotline::events {

namespace detail {
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
} // namespace detail

namespace {

template <std::size_t I = 0> std::string_view type_name_at(std::size_t index) noexcept {
  if constexpr (I < std::variant_size_v<event>) {
    if (index == I) return std::variant_alternative_t<I, event>::type_name;
    return type_name_at<I + 1>(index);
  } else {
    return {};
  }
}

} // namespace

std::string_view type_name_of(const event& e) noexcept {
  return std::visit([](const auto& p) -> std::string_view { return p.type_name; }, e);
}

std::uint16_t version_of(const event& e) noexcept {
  return std::visit([](const auto& p) -> std::uint16_t { return p.version; }, e);
}

struct event_codec::impl {
  struct type_entry {
    std::uint16_t current_version = 0;
    std::function<result<event>(std::string_view)> decode_current;
    std::function<result<std::string>(const nlohmann::json&)> json_to_binary;
    std::map<std::uint16_t, legacy_decode_fn> legacy; ///< old version -> binary->json
    std::map<std::uint16_t, upgrade_fn> upgrades;     ///< version N -> json N+1
  };
  std::unordered_map<std::string, type_entry, detail::string_hash, std::equal_to<>> types;

  template <class T> void add_current() {
    type_entry& e = types[std::string{T::type_name}];
    e.current_version = T::version;
    e.decode_current = [](std::string_view bytes) -> result<event> {
      T value{};
      if (auto st = from_binary(bytes, value); !st) return st;
      return event{std::move(value)};
    };
    e.json_to_binary = [](const nlohmann::json& j) -> result<std::string> {
      try {
        return to_binary(j.get<T>());
      } catch (const std::exception& ex) {
        return status{errc::malformed_json, std::string{T::type_name} + " data: " + ex.what()};
      }
    };
  }

  template <std::size_t... I> void add_catalog(std::index_sequence<I...>) {
    (add_current<std::variant_alternative_t<I, event>>(), ...);
  }

  const type_entry* find(std::string_view type) const {
    auto it = types.find(type);
    return it == types.end() ? nullptr : &it->second;
  }

  static status unknown(std::string_view type, std::uint16_t version) {
    return {errc::unknown_event_type, "no codec for event type '" + std::string{type} +
                                          "' version " + std::to_string(version)};
  }

  /// Old-version payload -> current-version JSON.
  result<nlohmann::json> upcast_json(const type_entry& e, std::string_view type,
                                     std::uint16_t version, std::string_view bytes) const {
    auto legacy = e.legacy.find(version);
    if (legacy == e.legacy.end()) return unknown(type, version);
    auto j = legacy->second(bytes);
    if (!j) return j.error();
    nlohmann::json cur = std::move(*j);
    for (std::uint16_t v = version; v < e.current_version; ++v) {
      auto up = e.upgrades.find(v);
      if (up == e.upgrades.end())
        return status{errc::unknown_event_type, "no upcaster for '" + std::string{type} +
                                                    "' from version " + std::to_string(v)};
      auto next = up->second(std::move(cur));
      if (!next) return next.error();
      cur = std::move(*next);
    }
    return cur;
  }
};

event_codec::event_codec() : impl_(std::make_unique<impl>()) {
  impl_->add_catalog(std::make_index_sequence<std::variant_size_v<event>>{});
  // Shipped versions (events/legacy_events.hpp), lifted one version at a time.
  add_legacy<legacy::call_transferred_v1>([](nlohmann::json j) -> result<nlohmann::json> {
    j["reason"] = "";
    return j;
  });
  add_legacy<legacy::agent_logged_in_v1>([](nlohmann::json j) -> result<nlohmann::json> {
    j["station"] = "";
    return j;
  });
  add_legacy<legacy::queue_call_joined_v1>([](nlohmann::json j) -> result<nlohmann::json> {
    j["skills"] = nlohmann::json::object();
    return j;
  });
}

event_codec::~event_codec() = default;

const event_codec& event_codec::standard() {
  static const event_codec codec;
  return codec;
}

void event_codec::add_legacy_entry(std::string type, std::uint16_t version, legacy_decode_fn decode,
                                   upgrade_fn upgrade) {
  auto& e = impl_->types[type];
  e.legacy[version] = std::move(decode);
  e.upgrades[version] = std::move(upgrade);
}

proposed_event event_codec::propose(const event& payload, event_meta meta) const {
  proposed_event p;
  p.meta = std::move(meta);
  std::visit(
      [&](const auto& body) {
        p.type = std::string{body.type_name};
        p.version = body.version;
        p.payload = to_binary(body);
      },
      payload);
  return p;
}

result<std::uint16_t> event_codec::current_version(std::string_view type) const {
  const auto* e = impl_->find(type);
  if (!e || e->current_version == 0) return impl::unknown(type, 0);
  return e->current_version;
}

result<event> event_codec::decode(std::string_view type, std::uint16_t version,
                                  std::string_view payload) const {
  const auto* e = impl_->find(type);
  if (!e) return impl::unknown(type, version);
  if (version == e->current_version) return e->decode_current(payload);
  auto j = impl_->upcast_json(*e, type, version, payload);
  if (!j) return j.error();
  auto bytes = e->json_to_binary(*j);
  if (!bytes) return bytes.error();
  return e->decode_current(*bytes);
}

result<nlohmann::json> event_codec::payload_to_json(std::string_view type, std::uint16_t version,
                                                    std::string_view payload) const {
  const auto* e = impl_->find(type);
  if (!e) return impl::unknown(type, version);
  if (version != e->current_version) return impl_->upcast_json(*e, type, version, payload);
  auto ev = e->decode_current(payload);
  if (!ev) return ev.error();
  return std::visit([](const auto& body) { return nlohmann::json(body); }, *ev);
}

// -- storage form ---------------------------------------------------------------

namespace {

constexpr char record_magic = 'h';
constexpr char record_format = 1;
constexpr std::size_t record_header = 6;

struct record_fields {
  recorded_event& e;
  template <class Archive> void serialize(Archive& ar) {
    ar(e.meta.id, e.stream, e.revision, e.position, e.meta.site, e.meta.tenant, e.type, e.version,
       e.meta.timestamp_ns, e.meta.correlation, e.meta.causation, e.meta.caused_by, e.payload);
  }
};

} // namespace

std::string event_codec::encode_record(const recorded_event& e) const {
  std::string out(record_header, '\0');
  out[0] = record_magic;
  out[1] = record_format;
  append_binary(out, record_fields{const_cast<recorded_event&>(e)});
  std::uint32_t crc = crc32c(std::string_view{out}.substr(record_header));
  std::memcpy(out.data() + 2, &crc, 4);
  return out;
}

result<recorded_event> event_codec::decode_record(std::string_view bytes) const {
  if (bytes.size() < record_header)
    return status{errc::corrupt_record,
                  "record is " + std::to_string(bytes.size()) + " bytes, shorter than its header"};
  if (bytes[0] != record_magic) return status{errc::corrupt_record, "bad magic byte"};
  if (bytes[1] != record_format)
    return status{errc::corrupt_record,
                  "unknown record format " + std::to_string(static_cast<int>(bytes[1]))};
  std::uint32_t stored;
  std::memcpy(&stored, bytes.data() + 2, 4);
  if (crc32c(bytes.substr(record_header)) != stored)
    return status{errc::corrupt_record, "checksum mismatch"};
  recorded_event e;
  record_fields f{e};
  if (auto st = from_binary(bytes.substr(record_header), f); !st) return st;
  return e;
}

// -- JSON form ------------------------------------------------------------------

result<nlohmann::json> event_codec::to_json(const recorded_event& e) const {
  auto data = payload_to_json(e.type, e.version, e.payload);
  if (!data) return data.error();
  auto version = current_version(e.type);
  nlohmann::json j;
  j["id"] = e.meta.id.to_string();
  j["stream"] = e.stream;
  j["revision"] = e.revision;
  j["position"] = e.position;
  j["site"] = e.meta.site;
  j["tenant"] = e.meta.tenant;
  j["type"] = e.type;
  j["version"] = version ? *version : e.version;
  j["time"] = format_timestamp(e.meta.timestamp_ns);
  j["time_ns"] = e.meta.timestamp_ns;
  j["correlation_id"] = e.meta.correlation.to_string();
  j["causation_id"] = e.meta.causation.to_string();
  j["caused_by"] = {{"kind", to_string(e.meta.caused_by.role)}, {"id", e.meta.caused_by.id}};
  j["data"] = std::move(*data);
  return j;
}

result<std::string> event_codec::to_json_text(const recorded_event& e) const {
  auto j = to_json(e);
  if (!j) return j.error();
  // Payload strings come from outside (callers, CRMs): bytes that are not
  // UTF-8 become U+FFFD rather than an exception.
  return j->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

status missing(std::string_view key, std::string_view expected) {
  return {errc::malformed_json,
          "key '" + std::string{key} + "' is missing or not " + std::string{expected}};
}

} // namespace

result<recorded_event> event_codec::from_json(const nlohmann::json& j) const {
  if (!j.is_object()) return status{errc::malformed_json, "an event must be a JSON object"};
  auto str = [&](const char* key, std::string& out) -> status {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return missing(key, "a string");
    out = it->get<std::string>();
    return {};
  };
  auto uint = [&](const char* key, std::uint64_t& out) -> status {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned()) return missing(key, "an unsigned integer");
    out = it->get<std::uint64_t>();
    return {};
  };
  auto id = [&](const char* key, event_id& out) -> status {
    std::string text;
    if (auto st = str(key, text); !st) return st;
    auto parsed = event_id::parse(text);
    if (!parsed) return missing(key, "a 128-bit id (8-4-4-4-12 hex)");
    out = *parsed;
    return {};
  };

  recorded_event e;
  std::uint64_t version = 0;
  std::string time;
  for (auto st :
       {id("id", e.meta.id), str("stream", e.stream), uint("revision", e.revision),
        uint("position", e.position), str("site", e.meta.site), str("tenant", e.meta.tenant),
        str("type", e.type), uint("version", version), id("correlation_id", e.meta.correlation),
        id("causation_id", e.meta.causation), str("time", time)})
    if (!st) return st;
  if (version == 0 || version > 0xffff) return missing("version", "a version in 1..65535");
  e.version = static_cast<std::uint16_t>(version);
  if (auto it = j.find("time_ns"); it != j.end() && it->is_number_integer())
    e.meta.timestamp_ns = it->get<std::int64_t>();
  else if (!parse_timestamp(time, e.meta.timestamp_ns))
    return missing("time", "an ISO-8601 UTC timestamp");
  auto by = j.find("caused_by");
  if (by == j.end() || !by->is_object()) return missing("caused_by", "an object");
  auto kind = by->find("kind");
  auto who = by->find("id");
  if (kind == by->end() || !kind->is_string() ||
      !parse_principal_kind(kind->get<std::string>(), e.meta.caused_by.role))
    return missing("caused_by.kind", "one of system|user|agent");
  if (who == by->end() || !who->is_string()) return missing("caused_by.id", "a string");
  e.meta.caused_by.id = who->get<std::string>();

  const auto* entry = impl_->find(e.type);
  if (!entry) return impl::unknown(e.type, e.version);
  if (e.version != entry->current_version)
    return impl::unknown(e.type, e.version); // JSON is always written at the current version
  auto data = j.find("data");
  if (data == j.end() || !data->is_object()) return missing("data", "an object");
  auto bytes = entry->json_to_binary(*data);
  if (!bytes) return bytes.error();
  e.payload = std::move(*bytes);
  return e;
}

result<recorded_event> event_codec::from_json_text(std::string_view text) const {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return status{errc::malformed_json, "not valid JSON"};
  return from_json(j);
}

} // namespace hotline::events
