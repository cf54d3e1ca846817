#include "drivers/kafka/mock_cluster.hpp"

#include <charconv>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace hotline::drivers {

using events::errc;

namespace {
constexpr std::int16_t produce_api_key = 0; ///< Kafka protocol ApiKey of Produce
} // namespace

struct mock_cluster::impl {
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* mc = nullptr;
  std::string bootstraps;
  int brokers = 0;

  ~impl() {
    if (mc) rd_kafka_mock_cluster_destroy(mc);
    if (rk) rd_kafka_destroy(rk);
  }
};

events::result<std::unique_ptr<mock_cluster>> mock_cluster::create(mock_cluster_options options) {
  if (options.brokers < 1)
    return events::status{errc::invalid_argument, "mock cluster: needs at least one broker, not " +
                                                      std::to_string(options.brokers)};
  auto d = std::make_unique<impl>();
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the cluster; it never connects anywhere, so the
  // "no bootstrap.servers" notice it would log is noise.
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  d->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!d->rk) {
    rd_kafka_conf_destroy(conf);
    return events::status{errc::unavailable, std::string{"mock cluster: "} + err};
  }
  d->mc = rd_kafka_mock_cluster_new(d->rk, options.brokers);
  if (!d->mc)
    return events::status{errc::unavailable, "mock cluster: librdkafka could not start " +
                                                 std::to_string(options.brokers) + " brokers"};
  d->bootstraps = rd_kafka_mock_cluster_bootstraps(d->mc);
  d->brokers = options.brokers;
  std::unique_ptr<mock_cluster> cluster{new mock_cluster(std::move(d))};
  for (const auto& t : options.topics)
    if (auto st = cluster->create_topic(t.name, t.partitions); !st) return st;
  return cluster;
}

mock_cluster::mock_cluster(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
mock_cluster::~mock_cluster() = default;

const std::string& mock_cluster::bootstraps() const {
  return impl_->bootstraps;
}
int mock_cluster::broker_count() const {
  return impl_->brokers;
}

events::status mock_cluster::create_topic(const std::string& name, int partitions) {
  if (name.empty() || partitions < 1)
    return {errc::invalid_argument, "mock cluster: topic '" + name + "' with " +
                                        std::to_string(partitions) +
                                        " partitions: needs a name and at least one partition"};
  auto err =
      rd_kafka_mock_topic_create(impl_->mc, name.c_str(), partitions, std::min(3, impl_->brokers));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return {errc::invalid_argument,
            "mock cluster: cannot create topic '" + name + "': " + rd_kafka_err2str(err)};
  return {};
}

events::status mock_cluster::set_broker_up(int broker_id, bool up) {
  auto err = up ? rd_kafka_mock_broker_set_up(impl_->mc, broker_id)
                : rd_kafka_mock_broker_set_down(impl_->mc, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return {errc::invalid_argument,
            "mock cluster: broker " + std::to_string(broker_id) + ": " + rd_kafka_err2str(err)};
  return {};
}

void mock_cluster::fail_next_produce_requests(std::size_t count) {
  std::vector<rd_kafka_resp_err_t> errors(count, RD_KAFKA_RESP_ERR_INVALID_RECORD);
  rd_kafka_mock_push_request_errors_array(impl_->mc, produce_api_key, count, errors.data());
}

events::result<mock_topic> parse_mock_topic(std::string_view text) {
  mock_topic t;
  auto colon = text.rfind(':');
  t.name = std::string{text.substr(0, colon)};
  if (colon != std::string_view::npos) {
    auto digits = text.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), t.partitions);
    if (ec != std::errc{} || end != digits.data() + digits.size() || t.partitions < 1)
      return events::status{errc::invalid_argument,
                            "topic '" + std::string{text} +
                                "': expected NAME:PARTITIONS with PARTITIONS >= 1"};
  }
  if (t.name.empty())
    return events::status{errc::invalid_argument,
                          "topic '" + std::string{text} + "': the name is empty"};
  return t;
}

} // namespace hotline::drivers
