enum DashboardPage { static let html = "<!doctype html>" }
