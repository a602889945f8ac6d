import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_followup_customer_board", {
    steps: () => [
        {
            content: "The board shows the key customers' column",
            trigger: '.o_kanban_group .o_column_title:contains("A (key)")',
        },
        {
            content: "... the general customers' column, even when empty",
            trigger: '.o_kanban_group .o_column_title:contains("B (general)")',
        },
        {
            content: "... the occasional customers' column, even when empty",
            trigger: '.o_kanban_group .o_column_title:contains("C (occasional)")',
        },
        {
            content: "The graded customer is on the board",
            trigger: '.o_kanban_record:contains("Board Key Account")',
        },
        {
            content: "... in the A column",
            trigger: '.o_kanban_group:has(.o_column_title:contains("A (key)")) .o_kanban_record:contains("Board Key Account")',
        },
        {
            content: "... with its revenue",
            trigger: '.o_kanban_record:contains("Board Key Account"):contains("1,000.00")',
        },
        {
            content: "Four columns: A, B, C and no grade",
            trigger: ".o_kanban_renderer",
            run() {
                const titles = [...document.querySelectorAll(".o_kanban_group .o_column_title")].map(
                    (el) => el.textContent.trim()
                );
                if (titles.length !== 4) {
                    throw new Error(`Expected 4 grade columns, got ${titles.length}: ${titles.join(", ")}`);
                }
            },
        },
        {
            content: "The prospect sits in the no-grade column (Odoo shows it first)",
            trigger: '.o_kanban_group:first .o_kanban_record:contains("Board Prospect")',
        },
        {
            content: "A customer who ordered since the last grading has no grade yet",
            trigger: '.o_kanban_group:first .o_kanban_record:contains("Board Late Order")',
        },
        {
            content: "A manager recomputes the grades from the board",
            trigger: 'button[name="action_recompute_grades"]',
            run: "click",
        },
        {
            content: "The late customer leaves the no-grade column",
            trigger: '.o_kanban_group:has(.o_column_title:contains("B (general)")) .o_kanban_record:contains("Board Late Order")',
        },
        {
            content: "Switch to the list view",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list shows the grade",
            trigger: '.o_data_row:contains("Board Key Account") td[name="customer_grade"]:contains("A (key)")',
        },
    ],
});
