import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_followup_customer_board_manager", {
    steps: () => [
        {
            content: "The manager's board opens on customers and prospects",
            trigger: '.o_searchview_facet:contains("Customers & Prospects")',
        },
        {
            content: "... of every salesperson: no My Customers filter",
            trigger: '.o_searchview:not(:has(.o_searchview_facet:contains("My Customers")))',
        },
        {
            content: "A colleague's customer is on the manager's board",
            trigger: '.o_kanban_record:contains("Tour Colleague Customer")',
        },
        {
            content: "Prospects have a titled column",
            trigger: '.o_kanban_group .o_column_title:contains("No grade")',
        },
        {
            content: "... where the prospect sits",
            trigger: '.o_kanban_group:has(.o_column_title:contains("No grade")) .o_kanban_record:contains("Tour Prospect")',
        },
        {
            content: "... without an empty grade pill",
            trigger: '.o_kanban_record:contains("Tour Prospect"):not(:has(.o_customer_grade_badge))',
        },
        {
            content: "The grade-A customer whose customer_rank is 0 is in column A",
            trigger: '.o_kanban_group:has(.o_column_title:contains("A (key)")) .o_kanban_record:contains("Tour Gemini")',
        },
        {
            content: "... with its grade pill",
            trigger: '.o_kanban_record:contains("Tour Gemini") .o_customer_grade_badge:contains("A (key)")',
        },
        {
            content: "... and its one order in the singular",
            trigger: '.o_kanban_record:contains("Tour Gemini") .o_customer_board_orders:contains("(1 order)")',
        },
        {
            content: "A customer with two orders says so in the plural",
            trigger: '.o_kanban_record:contains("Tour Twice") .o_customer_board_orders:contains("(2 orders)")',
        },
        {
            content: "The manager's button is titled like Odoo's",
            trigger: 'button[name="action_recompute_grades"]:contains("Recompute Grades")',
        },
        {
            content: "Open the grade-A company",
            trigger: '.o_kanban_record:contains("Tour Gemini")',
            run: "click",
        },
        {
            content: "Its Customer Card tab",
            trigger: '.o_form_view .o_notebook .nav-link:contains("Customer Card")',
            run: "click",
        },
        {
            content: "The card shows the company's classification",
            trigger: '.o_notebook .tab-pane.active .o_field_widget[name="customer_kind"]',
        },
        {
            content: "... but no personal block: a company has no birthday",
            trigger:
                '.o_notebook .tab-pane.active:not(:contains("Personal")):not(:has(.o_field_widget[name="birthday"]))',
        },
    ],
});

registry.category("web_tour.tours").add("sales_followup_customer_board_salesperson", {
    steps: () => [
        {
            content: "A salesperson's board opens on their own customers",
            trigger: '.o_searchview_facet:contains("My Customers")',
        },
        {
            content: "... and prospects",
            trigger: '.o_searchview_facet:contains("Customers & Prospects")',
        },
        {
            content: "Their grade-A customer is in column A",
            trigger: '.o_kanban_group:has(.o_column_title:contains("A (key)")) .o_kanban_record:contains("Tour Gemini")',
        },
        {
            content: "Their prospects are in the No grade column",
            trigger: '.o_kanban_group:has(.o_column_title:contains("No grade")) .o_kanban_record:contains("Tour Prospect")',
        },
        {
            content: "A colleague's customer is not on their board",
            trigger: '.o_kanban_renderer:not(:has(.o_kanban_record:contains("Tour Colleague Customer")))',
        },
        {
            content: "Open their individual customer",
            trigger: '.o_kanban_record:contains("Tour Person")',
            run: "click",
        },
        {
            content: "Its Customer Card tab",
            trigger: '.o_form_view .o_notebook .nav-link:contains("Customer Card")',
            run: "click",
        },
        {
            content: "The personal block shows the salesperson the birthday",
            trigger: '.o_notebook .tab-pane.active:contains("Personal") .o_field_widget[name="birthday"]:contains("1980")',
        },
        {
            content: "... and the interests",
            trigger: '.o_notebook .tab-pane.active .o_field_widget[name="customer_interests"]:contains("Calligraphy")',
        },
    ],
});
