// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TokenSale} from "./TokenSale.sol";

/// @title Deploys DAIO token sales owned by the caller (the issuer then funds the hard
/// cap, registers the sale's identity, configures currencies and activates).
contract TokenSaleFactory {
    event TokenSaleCreated(address indexed sale, address indexed token, address indexed owner);

    mapping(address sale => bool) public isSale;

    function create(TokenSale.Config calldata config) external returns (TokenSale sale) {
        sale = new TokenSale(config, msg.sender);
        isSale[address(sale)] = true;
        emit TokenSaleCreated(address(sale), config.token, msg.sender);
    }
}
