# Optional static egress IP (DESIGN §10): Direct VPC egress sends all traffic into this subnet, Cloud NAT
# translates it to one reserved address, and the MEXC key is bound to that address.
resource "google_compute_network" "egress" {
  count                   = var.static_egress_ip ? 1 : 0
  name                    = "${var.name_prefix}-egress"
  auto_create_subnetworks = false
  depends_on              = [google_project_service.apis]
}

resource "google_compute_subnetwork" "egress" {
  count                    = var.static_egress_ip ? 1 : 0
  name                     = "${var.name_prefix}-egress"
  region                   = var.region
  network                  = google_compute_network.egress[0].id
  ip_cidr_range            = var.egress_subnet_cidr
  private_ip_google_access = true
}

resource "google_compute_router" "egress" {
  count   = var.static_egress_ip ? 1 : 0
  name    = "${var.name_prefix}-egress"
  region  = var.region
  network = google_compute_network.egress[0].id
}

resource "google_compute_address" "egress" {
  count       = var.static_egress_ip ? 1 : 0
  name        = "${var.name_prefix}-egress"
  region      = var.region
  description = "Outbound address of qrl-rebalancer; the MEXC API key is bound to it."
}

resource "google_compute_router_nat" "egress" {
  count                              = var.static_egress_ip ? 1 : 0
  name                               = "${var.name_prefix}-egress"
  region                             = var.region
  router                             = google_compute_router.egress[0].name
  nat_ip_allocate_option             = "MANUAL_ONLY"
  nat_ips                            = [google_compute_address.egress[0].self_link]
  source_subnetwork_ip_ranges_to_nat = "LIST_OF_SUBNETWORKS"

  subnetwork {
    name                    = google_compute_subnetwork.egress[0].id
    source_ip_ranges_to_nat = ["ALL_IP_RANGES"]
  }
}
