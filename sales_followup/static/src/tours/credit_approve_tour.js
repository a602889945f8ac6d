import { registry } from "@web/core/registry";

// A credit controller opens the orders waiting for
// a decision and approves one, which confirms it.
registry.category("web_tour.tours").add("sales_followup_credit_approve", {
    steps: () => [
        {
            content: "The pending order is listed",
            trigger: '.o_data_row td.o_data_cell:contains("Credit Tour Customer")',
            run: "click",
        },
        {
            content: "The banner says it waits for approval",
            trigger: '.o_sales_followup_credit_banner:contains("Waiting for credit approval")',
        },
        {
            content: "Approve the credit",
            trigger: "button[name='action_credit_approve']",
            run: "click",
        },
        {
            content: "Confirm the approval",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Sales Order")',
        },
        {
            content: "The banner records the approval",
            trigger: '.o_sales_followup_credit_banner:contains("Credit approved by")',
        },
    ],
});
