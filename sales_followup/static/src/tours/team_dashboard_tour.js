import { registry } from "@web/core/registry";

const card = (name) => `.o_kanban_record:contains("${name}")`;

registry.category("web_tour.tours").add("sales_followup_team_dashboard", {
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
            content: "Open the reporting menu",
            trigger: '.o_menu_sections button[data-menu-xmlid="sales_followup.menu_followup_reporting"]',
            run: "click",
        },
        {
            content: "Open the team dashboard",
            trigger: '.dropdown-item[data-menu-xmlid="sales_followup.menu_customer_team_dashboard"]',
            run: "click",
        },
        {
            content: "Each salesperson of the team has a card with this month's sales",
            trigger: `${card("Sam Seller")} .o_team_dashboard_figures:contains("1,234.00")`,
        },
        {
            content: "The card shows the team figures",
            trigger: `${card("Sam Seller")}:contains("Retention rate"):contains("New customers won"):contains("Complaints per 100 orders"):contains("Card completeness")`,
        },
        {
            content: "The new customer counts",
            trigger: `${card("Sam Seller")} tr:contains("New customers won") td:last-child:contains("1")`,
        },
        {
            content: "Switch to the pivot view",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot groups the figures by team",
            trigger: '.o_pivot .o_pivot_header_cell_closed:contains("Tour Team"), .o_pivot th:contains("Tour Team")',
        },
    ],
});
