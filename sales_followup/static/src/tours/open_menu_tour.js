import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_followup_open_menu", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the After-Sales app",
            trigger: '.o_app[data-menu-xmlid="sales_followup.menu_followup_root"]',
            run: "click",
        },
        {
            content: "The app has opened",
            trigger: '.o_menu_brand:contains("After-Sales")',
        },
        {
            content: "Open the customers",
            trigger: '.o_menu_sections [data-menu-xmlid="sales_followup.menu_followup_customers"]',
            run: "click",
        },
        {
            content: "The customers menu offers the import of customer cards",
            trigger: '.dropdown-item[data-menu-xmlid="sales_followup.menu_customer_card_import"]',
        },
        {
            content: "Open the customer board",
            trigger: '.dropdown-item[data-menu-xmlid="sales_followup.menu_customer_board"]',
            run: "click",
        },
        {
            content: "The customer board is shown",
            trigger: '.o_breadcrumb:contains("Customers")',
        },
        {
            content: "The salesperson's customer is listed",
            trigger: '.o_kanban_record:contains("Tour Customer Ltd")',
        },
    ],
});
