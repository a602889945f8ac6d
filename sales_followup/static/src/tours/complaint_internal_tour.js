import { registry } from "@web/core/registry";
import { chooseOption, current } from "@sales_followup/tours/tour_steps";

registry.category("web_tour.tours").add("sales_followup_complaint_internal", {
    steps: () => [
        {
            content: "The board shows every state as a column, even empty ones",
            trigger: '.o_kanban_group .o_column_title:contains("Solution Proposed")',
        },
        {
            content: "The overdue complaint is highlighted",
            trigger: '.o_kanban_record:contains("Tour Overdue Customer") .o_complaint_overdue_badge',
        },
        {
            content: "Open the new complaint",
            trigger: '.o_kanban_record:contains("Tour Lamp Customer")',
            run: "click",
        },
        {
            content: "Listen and acknowledge",
            trigger: '.o_form_view button[name="action_acknowledge"]',
            run: "click",
        },
        {
            content: "Establish the facts",
            trigger: `${current("Acknowledged")}`,
        },
        {
            trigger: '.o_form_view button[name="action_investigate"]',
            run: "click",
        },
        {
            content: "Investigating",
            trigger: `${current("Investigating")}`,
        },
        ...chooseOption("responsibility", "Delivery Staff", {
            content: "Who is responsible",
            effect: '.o_form_view .o_field_widget[name="responsibility_advice"]:contains("delivery manager")',
        }),
        {
            content: "The agreed solution",
            trigger: '.o_form_view .o_field_widget[name="solution"] textarea',
            run: "edit Send a new lamp by express",
        },
        {
            content: "Propose it",
            trigger: '.o_form_view button[name="action_propose"]',
            run: "click",
        },
        {
            content: "Proposed",
            trigger: `${current("Solution Proposed")}`,
        },
        {
            content: "Carry it out",
            trigger: '.o_form_view button[name="action_resolve"]',
            run: "click",
        },
        {
            content: "Resolved",
            trigger: `${current("Resolved")}`,
        },
        {
            content: "Call the customer back",
            trigger: '.o_form_view button[name="action_open_close_wizard"]',
            run: "click",
        },
        {
            content: "Very satisfied",
            trigger: '.modal div[name="satisfaction"] input[data-value="5"]',
            run: "click",
        },
        {
            content: "A better offer",
            trigger: '.modal div[name="better_offer"] textarea',
            run: "edit Offer the LED model",
        },
        {
            content: "Close the complaint",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "Closed",
            trigger: `${current("Closed")}`,
        },
    ],
});
